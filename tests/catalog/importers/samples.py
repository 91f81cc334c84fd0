"""Reading the recorded samples in tests/data/catalog for importer tests."""

from __future__ import annotations

import io
from pathlib import Path

from sitewarden.app.catalog_writer import BROKEN
from sitewarden.catalog.importers.base import Importer, Part
from sitewarden.catalog.records import CatalogRecord

SAMPLES = Path(__file__).parent.parent.parent / "data" / "catalog"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def parse(importer: Importer, data: bytes, part: str = "all") -> list[CatalogRecord]:
    return list(importer.parse(io.BytesIO(data), Part(part, "file:///sample")))


def parse_fails(importer: Importer, data: bytes, part: str = "all") -> bool:
    """True when parsing the data raises one of the errors the writer turns into ImportFailed."""
    try:
        parse(importer, data, part)
    except BROKEN:
        return True
    return False
