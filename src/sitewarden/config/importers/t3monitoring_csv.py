"""t3monitoring's client table as CSV (phpMyAdmin or Adminer export with the column names in the first row)."""

from __future__ import annotations

import csv
import io

from sitewarden.config.importers.base import ForeignFormat, Translation
from sitewarden.config.importers.t3monitoring import translate_clients
from sitewarden.errors import InputFileError

_NEEDED = {"title", "domain"}
_TELLING = {"secret", "basic_auth_username", "host_header", "force_ip_resolve", "ignore_cert_errors"}


def _header(text: str) -> tuple[list[str], str]:
    line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=line.count)
    return [cell.strip().strip("\"'`").lower() for cell in line.split(delimiter)], delimiter


class T3monitoringCsvFormat(ForeignFormat):
    """The client table exported as CSV; `NULL` cells count as empty."""

    format = "t3monitoring-csv"

    def detect(self, text: str) -> bool:
        columns, _ = _header(text)
        return set(columns) >= _NEEDED and bool(_TELLING & set(columns))

    def translate(self, text: str, name: str) -> Translation:
        columns, delimiter = _header(text)
        if not set(columns) >= _NEEDED:
            raise InputFileError(f"{name}:1: a t3monitoring client export needs the columns title and domain")
        reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
        records: list[tuple[str, dict[str, str | None]]] = []
        try:
            next(reader)
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(columns):
                    raise InputFileError(f"{name}:{reader.line_num}: {len(cells)} cells for {len(columns)} columns")
                pairs = zip(columns, cells, strict=True)
                values = {column: (None if cell == "NULL" else cell) for column, cell in pairs}
                records.append((f"{name}:{reader.line_num}", values))
        except csv.Error as exc:
            raise InputFileError(f"{name}:{reader.line_num}: invalid CSV: {exc}") from None
        return translate_clients(records, columns)
