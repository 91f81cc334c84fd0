"""Verdicts stored per site, with security and update events when they change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sitewarden.app.assessments import assess_site
from sitewarden.app.catalog_writer import run_imports
from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.ter import TerImporter
from sitewarden.catalog.importers.typo3 import Typo3Importer
from sitewarden.catalog.verdicts import open_advisories
from sitewarden.inventory.model import Component, InventorySnapshot
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.database import open_database
from tests.catalog.importers.samples import SAMPLES

TODAY = date(2026, 11, 26)


def _snapshot(news: str) -> InventorySnapshot:
    return InventorySnapshot(
        cms="typo3",
        cms_version="13.4.1",
        php_version="8.3.14",
        components=[
            Component(kind="extension", key="news", version=news),
            Component(kind="extension", key="in_house", version="1.0.0"),
        ],
    )


async def test_changed_verdict_becomes_a_security_event(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "typo3").mkdir()
    for name in ("major", "release"):
        (tmp_path / "typo3" / f"{name}.json").write_bytes((SAMPLES / f"typo3-{name}.json").read_bytes())
    (tmp_path / "ter.xml").write_bytes((SAMPLES / "ter-extensions.xml").read_bytes())
    database = open_database(database_url)
    try:
        await run_imports(database, [Typo3Importer(), TerImporter()], ImportContext(local=tmp_path))
        with database.transaction() as connection:
            judged, first_events = assess_site(connection, "shop", _snapshot("11.4.1"), TODAY)
        with database.transaction() as connection:
            _, events = assess_site(connection, "shop", _snapshot("11.3.0"), TODAY)
            rows = assessment_rows(connection, "shop")
    finally:
        database.close()
    verdicts = {(a.item.kind, a.item.key): a.verdict for a in judged}
    assert verdicts[("core", "typo3")] == "up_to_date"
    assert verdicts[("extension", "news")] == "up_to_date"
    assert verdicts[("extension", "in_house")] == "unknown"
    assert verdicts[("php", "php")] == "unknown"  # no endoflife.date data imported
    assert first_events == []
    assert [(e.type.value, e.payload["verdict"], e.payload["previous"]) for e in events] == [
        ("security", "insecure", "up_to_date")
    ]
    assert events[0].channel == "site.shop.assessment"
    lines = open_advisories(rows)
    assert [(line["site"], line["item"], line["fixed_version"]) for line in lines] == [
        ("shop", "extension news", "11.4.1")
    ]
