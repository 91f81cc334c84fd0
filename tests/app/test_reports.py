"""Client and admin reports from stored states, results and verdicts: printed, or sent through the outbox."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitewarden.app.catalog_writer import run_imports
from sitewarden.app.recorder import InventoryRecorder
from sitewarden.app.reports import admin_report, client_report, report_source
from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.packagist import PackagistImporter
from sitewarden.catalog.importers.ter import TerImporter
from sitewarden.catalog.importers.typo3 import Typo3Importer
from sitewarden.cli import app
from sitewarden.config.plan import CheckSpec
from sitewarden.errors import DeliveryError
from sitewarden.events.model import EventType
from sitewarden.events.notifier import Notifier
from sitewarden.inventory.model import Component, InventorySnapshot
from sitewarden.inventory.typo3_client import Typo3ClientParams
from sitewarden.results import Metric, Result, Status, utcnow
from sitewarden.states import CheckState
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database, open_database
from sitewarden.store.events import recent_events
from sitewarden.store.results import insert_results
from sitewarden.store.states import save_states
from tests.events.fleet import config_from
from tests.fixtures.receivers import SmtpServer
from tests.fixtures.store_reads import attempt_rows, delivery_rows

SAMPLES = Path(__file__).parent.parent / "data" / "catalog"

SITES = """
sites:
  - {name: shop, url: "https://shop.example.org/", contacts: [owner@example.org], checks: [{name: web, kind: http}]}
  - {name: blog, url: "https://blog.example.org/", contacts: [blogger@example.org], checks: [{name: web, kind: http}]}
"""


def seed(database: Database) -> None:
    """shop: web down and a certificate that expires in 5 days; blog: all fine."""
    now = utcnow()
    with database.transaction() as connection:
        sites = [SiteRow("shop", "https://shop.example.org/", [], ["owner@example.org"])]
        sites.append(SiteRow("blog", "https://blog.example.org/", [], ["blogger@example.org"]))
        checks = [
            CheckRow("shop/web", "shop", "web", "http", {}, 60.0),
            CheckRow("shop/tls", "shop", "tls", "tls", {}, 60.0),
            CheckRow("blog/web", "blog", "web", "http", {}, 60.0),
        ]
        ids = sync_config(connection, sites, checks, now)
        since = now - timedelta(hours=1)
        states = {
            ids["shop/web"]: CheckState(Status.ERROR, since, Status.ERROR, last_summary="status 503, expected 200"),
            ids["shop/tls"]: CheckState(Status.OK, since, Status.OK, last_summary="certificate valid for 5 days"),
            ids["blog/web"]: CheckState(Status.OK, since, Status.OK, last_summary="status 200"),
        }
        save_states(connection, states, now)
        tls = Result(Status.OK, "certificate valid for 5 days", [Metric("days_left", 5.0, "d")], started_at=now)
        insert_results(connection, [(ids["shop/tls"], tls)])


def test_client_report_lists_failing_checks_and_expiring_certificates(sqlite_url: str) -> None:
    config = config_from(SITES, sqlite_url)
    database = open_database(sqlite_url)
    seed(database)
    [shop] = client_report(config, database, ["shop"], send=False)
    assert shop.subject == "[sitewarden] Report for shop: 2 things to fix"
    assert "ERROR  web (http)" in shop.text and "status 503, expected 200" in shop.text
    assert "certificate of tls expires in 5 days" in shop.text and "renew the certificate" in shop.html
    [blog] = client_report(config, database, ["blog"], send=False)
    assert "Nothing to fix" in blog.text
    database.close()


def test_admin_report_groups_sites_by_severity_with_totals(sqlite_url: str) -> None:
    config = config_from(SITES, sqlite_url)
    database = open_database(sqlite_url)
    seed(database)
    report = admin_report(config, database, send=False)
    assert report.subject == "[sitewarden] Fleet report: 1 of 2 sites with problems"
    assert "Sites: 2, checks: 3, with problems: 1 (error 1, warning 0, unknown 0)" in report.text
    assert "== ERROR (1) ==" in report.text and "blog" not in report.text
    database.close()


def test_admin_report_includes_failing_checks_outside_a_site(sqlite_url: str) -> None:
    config = config_from(SITES, sqlite_url)
    database = open_database(sqlite_url)
    seed(database)
    now = utcnow()
    with database.transaction() as connection:
        sites = [
            SiteRow("shop", "https://shop.example.org/", [], []),
            SiteRow("blog", "https://blog.example.org/", [], []),
        ]
        checks = [
            CheckRow("shop/web", "shop", "web", "http", {}, 60.0),
            CheckRow("shop/tls", "shop", "tls", "tls", {}, 60.0),
            CheckRow("blog/web", "blog", "web", "http", {}, 60.0),
            CheckRow("backup", None, "backup", "heartbeat", {}, 60.0),
        ]
        ids = sync_config(connection, sites, checks, now)
        save_states(
            connection, {ids["backup"]: CheckState(Status.ERROR, now, Status.ERROR, last_summary="overdue")}, now
        )
    report = admin_report(config, database, send=False)
    assert "checks outside a site" in report.text and "backup (heartbeat) - overdue" in report.text
    assert "Sites: 2, checks: 4," in report.text
    database.close()


def test_report_command_sends_client_reports_to_contacts(
    sqlite_url: str, smtp_server: SmtpServer, tmp_path: object
) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "sitewarden.yaml"
    path.write_text(
        SITES + f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, security: none}}\nstore: {{url: '{sqlite_url}'}}\n"
    )
    database = open_database(sqlite_url)
    seed(database)
    database.close()
    result = CliRunner().invoke(app, ["report", "client", "--all", "--send", "-c", str(path)])
    assert result.exit_code == 0, result.output
    assert [mail["To"] for mail in smtp_server.mails] == ["owner@example.org"]  # blog has nothing to fix
    printed = CliRunner().invoke(app, ["report", "admin", "-c", str(path)])
    assert printed.exit_code == 0 and "Fleet report" in printed.output


def record_inventory(database: Database, site: str, core: str, extensions: dict[str, str]) -> None:
    """Store a site's snapshot the way the engine does: the recorder also judges it against the catalogue."""
    spec = CheckSpec(
        key=f"{site}/inventory",
        site=site,
        name="inventory",
        kind="typo3_client",
        params=Typo3ClientParams(kind="typo3_client"),
        interval=3600,
        retry_interval=600,
        timeout=10,
        failure_threshold=1,
        success_threshold=1,
    )
    components = [Component(kind="extension", key=key, version=version) for key, version in extensions.items()]
    snapshot = InventorySnapshot(cms="typo3", cms_version=core, cms_version_precision="exact", components=components)
    InventoryRecorder(database).record(spec, snapshot)


async def judged_fleet(database: Database, tmp_path: Path) -> None:
    """shop: TYPO3 11.5.19 (an advisory and a missing ELTS security release), news insecure in TER, powermail
    behind; blog: TYPO3 13.4.1 with powermail behind."""
    folder = tmp_path / "catalog"
    (folder / "typo3").mkdir(parents=True)
    for name in ("major", "release"):
        (folder / "typo3" / f"{name}.json").write_bytes((SAMPLES / f"typo3-{name}.json").read_bytes())
    (folder / "ter.xml").write_bytes((SAMPLES / "ter-extensions.xml").read_bytes())
    (folder / "packagist.json").write_bytes((SAMPLES / "packagist-advisories.json").read_bytes())
    importers = [Typo3Importer(), TerImporter(), PackagistImporter()]
    summary = await run_imports(database, importers, ImportContext(local=folder))
    assert not summary.failed
    record_inventory(database, "shop", "11.5.19", {"news": "11.3.0", "powermail": "12.1.4"})
    record_inventory(database, "blog", "13.4.1", {"powermail": "12.1.4"})


async def test_client_report_lists_insecure_and_outdated_software_with_what_to_update_to(
    sqlite_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    config = config_from(SITES + f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, security: none}}\n", sqlite_url)
    database = open_database(sqlite_url)
    await judged_fleet(database, tmp_path)
    await asyncio.to_thread(client_report, config, database, ["shop"], send=True)
    database.close()
    [mail] = smtp_server.mails
    assert mail["To"] == "owner@example.org"
    assert mail["Subject"] == "[sitewarden] Report for shop: 3 things to fix"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    advisory = "TYPO3-CORE-SA-2022-017 (CVE-2022-23499, GHSA-hvwx-qh2h-xcfj, PKSA-2ws8-9m8t-7dqf)"
    assert "ERROR  TYPO3 core 11.5.19 is insecure" in text
    assert "TYPO3-CORE-SA-2022-017: By-passing Cross-Site Scripting Protection in HTML Sanitizer" in text
    assert "What to do: update to 11.5.41 or later" in text and f"Advisories: {advisory}" in text
    assert "ERROR  extension news 11.3.0 is insecure" in text and "What to do: update to 11.4.1 or later" in text
    assert "WARNING  extension powermail 12.1.4 is outdated in its branch" in text
    assert "What to do: update to 12.3.5" in text
    assert "Software judged against the release and advisory catalogue of " in text
    assert "TYPO3 core 11.5.19 is insecure" in html and "What to do: update to 11.5.41 or later" in html
    assert f"Advisories: {advisory}" in html and "extension powermail 12.1.4 is outdated in its branch" in html


async def test_admin_report_counts_insecure_and_outdated_sites_per_severity(sqlite_url: str, tmp_path: Path) -> None:
    config = config_from(SITES, sqlite_url)
    database = open_database(sqlite_url)
    await judged_fleet(database, tmp_path)
    report = await asyncio.to_thread(admin_report, config, database, send=False)
    database.close()
    totals = (
        "Software of 2 sites: insecure 1 (critical 0, high 0, medium 1, low 0, unrated 0), "
        "outdated 1 (eol 0, outdated 1); catalogue of "
    )
    assert totals in report.text
    assert totals in report.html
    assert report.subject == "[sitewarden] Fleet report: 2 of 2 sites with problems"
    assert "== ERROR (1) ==" in report.text and "== WARNING (1) ==" in report.text
    assert (
        "error: TYPO3 core 11.5.19 is insecure" in report.text
        and "[TYPO3-CORE-SA-2022-017 (CVE-2022-23499" in report.text
    )
    assert "warning: extension powermail 12.1.4 is outdated in its branch - branch 12 (update to 12.3.5)" in report.html


def test_store_defined_sites_are_reported_too(sqlite_url: str) -> None:
    from sitewarden.app.reports import collect
    from sitewarden.store.sites import save_site_definition

    config = config_from(SITES, sqlite_url)
    database = open_database(sqlite_url)
    try:
        seed(database)
        with database.transaction() as connection:
            definition = {"name": "imported", "url": "https://imported.example.org/", "contacts": ["it@example.org"]}
            save_site_definition(connection, definition, "import", utcnow())
        reports = {report.name: report for report in collect(config, database)}
        assert {"shop", "blog", "imported"} <= set(reports)
        assert reports["imported"].contacts == ["it@example.org"]
    finally:
        database.close()


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_report_that_cannot_be_mailed_stays_queued_and_is_sent_by_the_outbox_on_retry(
    sqlite_url: str, smtp_server: SmtpServer
) -> None:
    down = config_from(SITES + f"smtp: {{host: 127.0.0.1, port: {_closed_port()}, security: none}}\n", sqlite_url)
    up = config_from(SITES + f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, security: none}}\n", sqlite_url)
    database = open_database(sqlite_url)
    try:
        seed(database)
        with pytest.raises(DeliveryError) as refused:
            await asyncio.to_thread(client_report, down, database, ["shop"], send=True)
        assert not refused.value.permanent and "1 of 1 report not sent" in refused.value.message
        with database.transaction() as connection:
            [queued] = delivery_rows(connection, "report:client:shop")
            [attempt] = attempt_rows(connection, queued["id"])
        assert (queued["state"], queued["attempts"], attempt["ok"]) == ("pending", 1, False)
        retry = Notifier(up, database, reports=report_source(up, database))
        stats = await retry.deliverer.deliver_due(everything=True)
        assert stats.sent == 1
        [mail] = smtp_server.mails
        assert mail["To"] == "owner@example.org" and mail["Subject"].startswith("[sitewarden] Report for shop")
    finally:
        database.close()


async def test_a_report_that_keeps_failing_becomes_a_system_event(sqlite_url: str) -> None:
    smtp = f"smtp: {{host: 127.0.0.1, port: {_closed_port()}, security: none}}\n"
    down = config_from(SITES + smtp + "reports: {admin: {to: [admin@example.org]}}\n", sqlite_url)
    database = open_database(sqlite_url)
    try:
        seed(database)
        with pytest.raises(DeliveryError):
            await asyncio.to_thread(admin_report, down, database, send=True)
        notifier = Notifier(down, database, reports=report_source(down, database))
        for _ in range(3):  # the email handler's default: three retries after the first attempt
            await notifier.deliverer.deliver_due(everything=True)
        with database.transaction() as connection:
            [delivery] = delivery_rows(connection, "report:admin")
            events = recent_events(connection, limit=10)
        assert (delivery["state"], delivery["attempts"]) == ("failed", 4)
        [failure] = [event for event in events if event.channel == "system.notifications.report:admin"]
        assert failure.type is EventType.SYSTEM and "failed after 4 attempts" in failure.message
    finally:
        database.close()
