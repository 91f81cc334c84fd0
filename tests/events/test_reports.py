"""Client and admin reports from stored states and results: printed, and mailed to aiosmtpd with --send."""

from __future__ import annotations

from datetime import timedelta

from typer.testing import CliRunner

from sitewarden.cli import app
from sitewarden.events.reports import admin_report, client_report
from sitewarden.results import Metric, Result, Status, utcnow
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database, open_database
from sitewarden.store.results import insert_results
from sitewarden.store.states import CheckState, save_states
from tests.events.fleet import config_from
from tests.fixtures.receivers import SmtpServer

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
