"""t3monitoring's client table as SQL: `INSERT INTO tx_t3monitoring_domain_model_client ...` from a dump."""

from __future__ import annotations

import re

from sitewarden.config.importers.base import ForeignFormat, Translation
from sitewarden.config.importers.sql_inserts import table_rows
from sitewarden.config.importers.t3monitoring import COLUMNS, SLA_TABLE, TABLE, TAG_TABLE, translate_clients

_INSERT = re.compile(r"\b(insert|replace)\s+(ignore\s+)?into\s+[`\"]?(\w+\.)?[`\"]?" + TABLE, re.IGNORECASE)


class T3monitoringSqlFormat(ForeignFormat):
    """A MySQL/MariaDB dump (mysqldump, phpMyAdmin, TYPO3 database export) of the client table."""

    format = "t3monitoring-sql"

    def detect(self, text: str) -> bool:
        return _INSERT.search(text) is not None

    def translate(self, text: str, name: str) -> Translation:
        rows, _ = table_rows(text, name, TABLE, COLUMNS)
        columns = list(rows[0].values) if rows else []
        titles = {kind: _titles(text, name, table) for kind, table in (("sla", SLA_TABLE), ("tag", TAG_TABLE))}
        out = translate_clients(((f"{name}:{row.line}", row.values) for row in rows), columns, titles)
        if not rows:
            out.skip(name, TABLE, "the file inserts no rows into the client table")
        return out


def _titles(text: str, name: str, table: str) -> dict[str, str]:
    """uid → title of the SLA or tag records the dump also holds (t3monitoring's own column order otherwise)."""
    rows, _ = table_rows(text, name, table, ["uid", "pid", "title", "description"])
    return {str(row.values.get("uid")): str(row.values.get("title")) for row in rows if row.values.get("title")}
