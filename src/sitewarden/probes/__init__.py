"""The probe registry: kind → class. The config's check union is derived from it."""

from __future__ import annotations

from typing import Any

from sitewarden.probes.base import Probe, build_registry
from sitewarden.probes.http import HttpProbe

PROBES: dict[str, type[Probe[Any]]] = build_registry((HttpProbe,))
