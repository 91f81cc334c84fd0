"""Imports end to end: loopback server with ETag, --from files, truncated and partial downloads."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from aiohttp import web
from sqlalchemy import func, select

from sitewarden.app.catalog_writer import run_imports
from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.ter import TerImporter
from sitewarden.catalog.importers.typo3 import Typo3Importer
from sitewarden.store.database import open_database
from sitewarden.store.events import recent_events
from sitewarden.store.tables import catalog_releases
from tests.catalog.importers.samples import SAMPLES
from tests.fixtures.servers import Serve


class Feed:
    """Serves one body with an ETag, answers 304 to a matching If-None-Match, and counts what it sent."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.requests = 0
        self.full = 0
        self.app = web.Application()
        self.app.router.add_get("/{tail:.*}", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        etag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        self.full += 1
        return web.Response(body=self.body, headers={"ETag": etag}, content_type="application/gzip")


def _count(url: str) -> int:
    database = open_database(url)
    try:
        with database.transaction() as connection:
            return int(connection.scalar(select(func.count()).select_from(catalog_releases)) or 0)
    finally:
        database.close()


async def test_second_import_of_an_unchanged_source_downloads_nothing(database_url: str, serve: Serve) -> None:
    feed = Feed(gzip.compress((SAMPLES / "ter-extensions.xml").read_bytes()))
    base = await serve(feed.app)
    context = ImportContext(urls={"ter": f"{base}extensions.xml.gz"})
    database = open_database(database_url)
    try:
        first = await run_imports(database, [TerImporter()], context)
        assert [o.status for o in first.outcomes] == ["changed"]
        assert first.totals() == {"added": 5, "changed": 0, "removed": 0}
        second = await run_imports(database, [TerImporter()], context)
        assert [o.status for o in second.outcomes] == ["unchanged"]
        assert second.totals() == {"added": 0, "changed": 0, "removed": 0}
    finally:
        database.close()
    assert (feed.requests, feed.full) == (2, 1)
    assert _count(database_url) == 5


async def test_changed_source_reports_added_changed_and_removed(sqlite_url: str, serve: Serve) -> None:
    xml = (SAMPLES / "ter-extensions.xml").read_text()
    feed = Feed(xml.encode())
    base = await serve(feed.app)
    context = ImportContext(urls={"ter": f"{base}x.xml"})
    database = open_database(sqlite_url)
    try:
        await run_imports(database, [TerImporter()], context)
        feed.body = (
            xml.replace(
                "<reviewstate>0</reviewstate>\n      <category>plugin</category>\n      <lastuploaddate>1719835200",
                "<reviewstate>-1</reviewstate>\n      <category>plugin</category>\n      <lastuploaddate>1719835200",
                1,
            ).replace('version="12.4.0-beta1"', 'version="12.4.0"')
        ).encode()
        summary = await run_imports(database, [TerImporter()], context)
    finally:
        database.close()
    assert summary.totals() == {"added": 1, "changed": 1, "removed": 1}


async def test_truncated_download_keeps_the_previous_catalogue_and_stores_an_event(
    sqlite_url: str, serve: Serve
) -> None:
    good = gzip.compress((SAMPLES / "ter-extensions.xml").read_bytes())
    feed = Feed(good)
    base = await serve(feed.app)
    context = ImportContext(urls={"ter": f"{base}extensions.xml.gz"})
    database = open_database(sqlite_url)
    try:
        await run_imports(database, [TerImporter()], context)
        feed.body = good[: len(good) - 60]
        summary = await run_imports(database, [TerImporter()], context)
        with database.transaction() as connection:
            events = recent_events(connection, types=["system"])
    finally:
        database.close()
    assert [o.status for o in summary.outcomes] == ["failed"]
    assert "truncated" in (summary.outcomes[0].error or "")
    assert _count(sqlite_url) == 5
    assert events and events[0].channel == "system.catalog.ter"


async def test_much_smaller_download_is_refused_as_partial(sqlite_url: str, tmp_path: Path) -> None:
    versions = "".join(
        f'<version version="1.0.{n}"><state>stable</state><reviewstate>0</reviewstate></version>' for n in range(30)
    )
    big = tmp_path / "big.xml"
    big.write_text(f'<extensions><extension extensionkey="a">{versions}</extension></extensions>')
    small = tmp_path / "small.xml"
    small.write_text('<extensions><extension extensionkey="a"><version version="1.0.0"/></extension></extensions>')
    database = open_database(sqlite_url)
    try:
        await run_imports(database, [TerImporter()], ImportContext(local=big))
        summary = await run_imports(database, [TerImporter()], ImportContext(local=small))
        forced = await run_imports(database, [TerImporter()], ImportContext(local=small), force=True)
    finally:
        database.close()
    assert summary.outcomes[0].status == "failed" and "partial" in (summary.outcomes[0].error or "")
    assert forced.outcomes[0].status == "changed" and forced.totals()["removed"] == 29


async def test_import_from_a_folder_reads_each_part_and_skips_it_when_unchanged(
    sqlite_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "typo3"
    folder.mkdir()
    (folder / "major.json").write_bytes((SAMPLES / "typo3-major.json").read_bytes())
    (folder / "release.json").write_bytes((SAMPLES / "typo3-release.json").read_bytes())
    database = open_database(sqlite_url)
    try:
        first = await run_imports(database, [Typo3Importer()], ImportContext(local=tmp_path))
        second = await run_imports(database, [Typo3Importer()], ImportContext(local=tmp_path))
    finally:
        database.close()
    assert sorted((o.part, o.status) for o in first.outcomes) == [("major", "changed"), ("release", "changed")]
    assert [o.status for o in second.outcomes] == ["unchanged", "unchanged"]


async def test_server_error_is_a_failed_import_not_an_exception(sqlite_url: str, serve: Serve) -> None:
    async def unavailable(request: web.Request) -> web.Response:
        return web.Response(status=503)

    app = web.Application()
    app.router.add_get("/{tail:.*}", unavailable)
    base = await serve(app)
    database = open_database(sqlite_url)
    try:
        summary = await run_imports(database, [TerImporter()], ImportContext(urls={"ter": f"{base}x"}))
    finally:
        database.close()
    assert summary.outcomes[0].status == "failed" and "503" in (summary.outcomes[0].error or "")


async def test_a_checkout_folder_is_one_part_and_repository_files_are_skipped(sqlite_url: str, tmp_path: Path) -> None:
    from sitewarden.catalog.importers.packagist import PackagistImporter
    from sitewarden.store.tables import catalog_advisories

    real = SAMPLES / "real" / "packagist"
    folder = tmp_path / "packagist"
    for file in real.rglob("*.yaml"):
        target = folder / file.relative_to(real)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.read_bytes())
    (folder / "LICENSE").write_text("Copyright (c) Fabien Potencier\n")
    (folder / "README.md").write_text("# PHP Security Advisories Database\n")
    (folder / "composer.json").write_text('{"name": "friendsofphp/security-advisories"}\n')
    database = open_database(sqlite_url)
    try:
        first = await run_imports(database, [PackagistImporter()], ImportContext(local=tmp_path))
        assert [(o.part, o.status, o.changes.total) for o in first.outcomes] == [("all", "changed", 8)]
        with database.transaction() as connection:
            products = set(connection.scalars(select(catalog_advisories.c.product)))
        assert products == {
            "typo3",
            "composer:georgringer/news",
            "composer:tpwd/ke_search",
            "composer:brotkrueml/typo3-matomo-integration",
        }
        again = await run_imports(database, [PackagistImporter()], ImportContext(local=tmp_path))
        assert [o.status for o in again.outcomes] == ["unchanged"]
    finally:
        database.close()


async def test_an_eol_checkout_imports_only_the_products_sitewarden_judges(sqlite_url: str, tmp_path: Path) -> None:
    """A whole endoflife.date / release-data checkout under `eol/`: other products' files are not parts."""
    from sitewarden.catalog.importers.eol import EolImporter

    real = SAMPLES / "real" / "eol"
    (tmp_path / "eol" / "products").mkdir(parents=True)
    (tmp_path / "eol" / "releases").mkdir()
    (tmp_path / "eol" / "products" / "typo3.md").write_bytes((real / "typo3.md").read_bytes())
    (tmp_path / "eol" / "releases" / "typo3.json").write_bytes((real / "typo3.json").read_bytes())
    (tmp_path / "eol" / "releases" / "amazon-glue.json").write_text('{"versions": {}}\n')
    (tmp_path / "eol" / "products" / "redis.md").write_text("---\ntitle: Redis\nreleases: []\n---\n")
    database = open_database(sqlite_url)
    try:
        summary = await run_imports(database, [EolImporter()], ImportContext(local=tmp_path))
    finally:
        database.close()
    assert sorted((o.part, o.status) for o in summary.outcomes) == [
        ("products/typo3.md", "changed"),
        ("releases/typo3.json", "changed"),
    ]
