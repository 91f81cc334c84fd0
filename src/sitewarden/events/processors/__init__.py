"""The processor registry: kind → class. The config's processor union is derived from it."""

from __future__ import annotations

from sitewarden.events.processors.base import Processor
from sitewarden.events.processors.enrich import EnrichProcessor
from sitewarden.events.processors.group import GroupProcessor
from sitewarden.events.processors.redact import RedactProcessor
from sitewarden.registry import build_registry

PROCESSORS: dict[str, type[Processor]] = build_registry((EnrichProcessor, RedactProcessor, GroupProcessor), "processor")
