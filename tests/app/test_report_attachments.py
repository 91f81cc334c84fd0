"""The scheduled client report can carry the site's SLA PDF: sent through a real SMTP server, read back, checked."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
from typer.testing import CliRunner

from sitewarden.app.reports import ReportScheduler
from sitewarden.app.sla_reports import choose_period
from sitewarden.cli import app
from sitewarden.config.loader import load_config
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.results import Result, Status, utcnow
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import open_database
from sitewarden.store.events import insert_events
from sitewarden.store.maintenance import add_window
from sitewarden.store.results import insert_results
from sitewarden.store.rollups import add_to_rollups
from tests.fixtures.receivers import SmtpServer

CONFIG = """
sites:
  - {{name: shop, url: "https://shop.example.org/", groups: [acme], contacts: [owner@example.org],
     checks: [{{name: web, kind: http}}]}}
groups:
  acme: {{sla: 99.9}}
maintenance:
  - {{start: "{config_window}", duration: 1h, sites: [shop], comment: kernel update}}
reports:
  client: {{only_problems: false, attach: [sla_pdf]}}
smtp: {{host: 127.0.0.1, port: {port}, security: none}}
store: {{url: '{url}'}}
"""


def _seed(sqlite_url: str, smtp_server: SmtpServer, tmp_path: Path, every: str = "") -> tuple[Path, datetime, int]:
    """shop: one check, a 2 h outage on day 10 of last month, 1 h of it in a stored window; a 1 h config window."""
    start, end = choose_period(None, None, None, utcnow())  # the last full month, as the report attaches it
    days = (end - start).days
    outage_start = start + timedelta(days=9, hours=12)
    database = open_database(sqlite_url)
    try:
        with database.transaction() as connection:
            ids = sync_config(
                connection,
                [SiteRow("shop", "https://shop.example.org/", ["acme"], ["owner@example.org"])],
                [CheckRow("shop/web", "shop", "web", "http", {}, 60.0)],
                start,
            )
            first = Result(Status.OK, "200 OK", started_at=start, duration_ms=120.0)
            insert_results(connection, [(ids["shop/web"], first)])
            add_to_rollups(connection, [(ids["shop/web"], first)])
            events = []
            for moment, old, new in ((outage_start, "ok", "error"), (outage_start + timedelta(hours=2), "error", "ok")):
                payload = {"check_key": "shop/web", "kind": "http", "old": old, "new": new, "summary": "status 503"}
                events.append(
                    Event(EventType.AVAILABILITY, Severity.ERROR, "site.shop.web", "m", payload, "shop", "web", moment)
                )
            insert_events(connection, events)
            # stored window: the outage's second hour; config window: 3 days later, 1 h
            add_window(connection, "shop", outage_start + timedelta(hours=1), outage_start + timedelta(hours=2),
                       "deploy", "anna", start)  # fmt: skip
    finally:
        database.close()
    config_window = (start + timedelta(days=12)).isoformat()
    path = tmp_path / "sitewarden.yaml"
    text = CONFIG.format(config_window=config_window, port=smtp_server.port, url=sqlite_url)
    path.write_text(text.replace("attach: [sla_pdf]", f"attach: [sla_pdf]{every}"))
    return path, start, days


def _check_mail(smtp_server: SmtpServer, start: datetime, days: int) -> None:
    [mail] = smtp_server.mails
    assert mail.get_content_type() == "multipart/mixed"
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"sla-shop-{start:%Y-%m}.pdf"
    assert "Report for shop" in mail["Subject"]
    pdf = pypdf.PdfReader(io.BytesIO(attachment.get_content()))
    text = " ".join(page.extract_text() for page in pdf.pages)
    # measured: the month less 2 h excluded (1 h stored, 1 h config); down: the outage's first hour only
    measured = days * 86400 - 2 * 3600
    availability = (1 - 3600 / measured) * 100
    assert f"{availability:.3f}%" in text, text
    assert "kernel update" in text and "deploy" in text
    assert "99.9" in text


def test_client_report_mail_carries_the_sla_pdf_with_the_right_figures(
    sqlite_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    path, start, days = _seed(sqlite_url, smtp_server, tmp_path)
    result = CliRunner().invoke(app, ["report", "client", "--all", "--send", "-c", str(path)])
    assert result.exit_code == 0, result.output
    _check_mail(smtp_server, start, days)


async def test_the_scheduled_client_report_attaches_the_pdf_too(
    sqlite_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    path, start, days = _seed(sqlite_url, smtp_server, tmp_path, every=', every: "mon 08:00"')
    config = load_config(path)
    database = open_database(sqlite_url)
    moments = iter([datetime(2026, 11, 2, 9, 0, tzinfo=UTC), datetime(2026, 11, 9, 9, 0, tzinfo=UTC)])
    now = next(moments)
    scheduler = ReportScheduler(config, database, clock=lambda: now)
    try:
        assert await scheduler.send_due() == []  # the first start only records the time
        now = next(moments)  # a week later, past Monday 08:00
        assert await scheduler.send_due() == ["client"]
    finally:
        database.close()
    _check_mail(smtp_server, start, days)
