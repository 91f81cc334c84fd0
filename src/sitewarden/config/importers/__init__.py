"""Readers of other tools' files for `sites import`, by format name; detection tries them in this order."""

from __future__ import annotations

from sitewarden.config.importers.base import ForeignFormat
from sitewarden.config.importers.pmon import PmonFormat
from sitewarden.config.importers.t3monitoring_csv import T3monitoringCsvFormat
from sitewarden.config.importers.t3monitoring_sql import T3monitoringSqlFormat
from sitewarden.config.importers.timon import TimonFormat
from sitewarden.registry import build_registry

FORMATS: dict[str, type[ForeignFormat]] = build_registry(
    (T3monitoringSqlFormat, T3monitoringCsvFormat, PmonFormat, TimonFormat), "import format", key="format"
)
