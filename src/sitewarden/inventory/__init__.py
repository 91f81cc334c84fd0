"""The inventory collector registry: kind → class. Collectors run as checks beside the probes."""

from __future__ import annotations

from typing import Any

from sitewarden.inventory.cms_health import CmsHealthCollector
from sitewarden.inventory.fingerprint import FingerprintCollector
from sitewarden.inventory.typo3_client import Typo3ClientCollector
from sitewarden.probes.base import Probe
from sitewarden.registry import build_registry

COLLECTORS: dict[str, type[Probe[Any]]] = build_registry(
    (Typo3ClientCollector, CmsHealthCollector, FingerprintCollector), "collector"
)
