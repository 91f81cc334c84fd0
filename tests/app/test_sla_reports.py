"""`report sla` in every format, from the CLI, the API and as a PDF whose text carries the figures."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import requests
from pypdf import PdfReader

from sitewarden.app.sla_reports import build, choose_period, render
from sitewarden.errors import SitewardenError
from sitewarden.results import Metric, Result, Status
from sitewarden.states import CheckState
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database, open_database
from sitewarden.store.results import insert_results
from sitewarden.store.states import save_states
from tests.app.test_sla import CASES, NOV, NOW, _store
from tests.fixtures.web import LiveWeb

WINDOW_CASE = CASES["a window that starts inside an outage leaves out its part"]
# Measured: 30 days less the 2 h window = 2,584,800 s; down 3,600 s → 1 - 3600/2584800 = 0.998607…
AVAILABILITY = 1 - 3600 / 2_584_800


def _expiries(database: Database) -> None:
    """shop also has a certificate check (12 days left) and a domain check (9 days left), as their results say."""
    with database.transaction() as connection:
        ids = sync_config(
            connection,
            [SiteRow("shop", "https://shop.example.org/", ["acme"], [])],
            [
                CheckRow("shop.web", "shop", "web", "http", {}, 60.0),
                CheckRow("shop.cert", "shop", "cert", "tls", {}, 60.0),
                CheckRow("shop.registration", "shop", "registration", "domain", {}, 43200.0),
            ],
            NOV[0],
        )
        for key, days, summary in (
            ("shop.cert", 12.0, "certificate valid for 12 days"),
            ("shop.registration", 9.0, "shop.example.org expires in 9 days (2026-12-14)"),
        ):
            result = Result(Status.WARNING, summary, [Metric("days_left", days, "d")], started_at=NOW)
            insert_results(connection, [(ids[key], result)])
            save_states(
                connection, {ids[key]: CheckState(Status.WARNING, NOW, Status.WARNING, last_summary=summary)}, NOW
            )


def _report(database: Database, fmt: str) -> str | bytes:
    _store(database, WINDOW_CASE)
    _expiries(database)
    with database.transaction() as connection:
        report = build(connection, {"acme": 99.9}, NOV, group=None, site=None, now=NOW)
    return render(report, fmt)


def test_csv_has_one_machine_friendly_row_per_site(sqlite_database: Database) -> None:
    text = _report(sqlite_database, "csv")
    assert isinstance(text, str)
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["site"] == "shop" and row["groups"] == "acme"
    assert (row["period_start"], row["period_end"]) == ("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z")
    assert float(row["availability_ratio"]) == pytest.approx(AVAILABILITY, abs=1e-6)
    figures = (row["measured_s"], row["excluded_s"], row["down_s"], row["outages"])
    assert figures == ("2584800.0", "7200.0", "3600.0", "1")
    assert row["met"] == "false"  # 99.861 % < 99.9 %
    assert float(row["budget_left_s"]) == pytest.approx(0.001 * 2_584_800 - 3600)


def test_json_lists_the_outage_with_its_maintenance_part(sqlite_database: Database) -> None:
    data = json.loads(_report(sqlite_database, "json"))
    [site] = data["sites"]
    [outage] = site["outage_list"]
    assert outage == {
        "start": "2026-11-10T12:00:00Z",
        "end": "2026-11-10T14:00:00Z",
        "counted_s": 3600.0,
        "excluded_s": 3600.0,
        "cause": "x",
    }
    assert site["maintenance"][0]["reason"] == "deploy"
    assert data["groups"][0] | {"sites": ["shop"]} == data["groups"][0]
    assert data["groups"][0]["met"] is False


def test_text_shows_availability_and_the_missed_target(sqlite_database: Database) -> None:
    text = _report(sqlite_database, "text")
    assert isinstance(text, str)
    assert "group acme: 99.861% (target 99.9%, MISSED)" in text
    assert "outage 2026-11-10 12:00 – 2026-11-10 14:00  1h00m00s" in text


def test_pdf_text_carries_the_figures(sqlite_database: Database, tmp_path: Path) -> None:
    document = _report(sqlite_database, "pdf")
    assert isinstance(document, bytes) and document.startswith(b"%PDF")
    (tmp_path / "sla.pdf").write_bytes(document)
    reader = PdfReader(io.BytesIO(document))
    assert len(reader.pages) == 2  # a cover page, then one page for the one site
    cover, page = (item.extract_text() for item in reader.pages)
    assert "acme" in cover and "99.861%" in cover and "NO" in cover
    assert "Site shop" in page
    assert "2026-11-10 12:00" in page and "1h00m00s" in page
    assert "Daily availability" in page and "Open security findings" in page
    assert "Certificate and domain expiry" in page
    assert "registration\ndomain\n9\n" in page and "cert\ntls\n12\n" in page
    # The site's page as an image, to look at: tmp_path/sla-page-2.png
    rendered = pdfium.PdfDocument(document)[1].render(scale=1.5).to_pil()
    rendered.save(tmp_path / "sla-page-2.png")
    width, height = rendered.size
    assert (width, height) == (893, 1263)  # A4 at 108 dpi
    dark = sum(rendered.convert("L").histogram()[:128])  # pixels darker than mid-grey
    assert dark > 5000  # text, tables and the bar chart, not a blank page


def test_period_choices() -> None:
    assert choose_period("2026-12", None, None, NOW)[1].year == 2027
    assert choose_period(None, "2026-11-03", "2026-11-05T12:00:00Z", NOW)[1].hour == 12
    assert choose_period(None, None, None, NOW) == NOV  # last month by default
    for month, start, end in (("2026-13", None, None), (None, "2026-11-03", None), ("2026-11", "2026-11-01", None)):
        with pytest.raises(SitewardenError):
            choose_period(month, start, end, NOW)


def test_cli_prints_csv_for_a_month(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = open_database(url)
    try:
        _store(database, WINDOW_CASE)
    finally:
        database.close()
    config = tmp_path / "sitewarden.yaml"
    config.write_text(f"store:\n  url: {url}\ngroups:\n  acme:\n    sla: 99.5\n")
    command = [sys.executable, "-m", "sitewarden", "report", "sla", "--month", "2026-11", "--format", "csv"]
    done = subprocess.run([*command, "-c", str(config)], capture_output=True, text=True, env=os.environ, timeout=60)
    assert done.returncode == 0, done.stderr
    [row] = list(csv.DictReader(io.StringIO(done.stdout)))
    assert (row["site"], row["target_percent"], row["met"]) == ("shop", "99.5", "true")


def test_api_serves_the_report_as_json_and_csv(live_web: LiveWeb) -> None:
    headers = {"Authorization": f"Bearer {live_web.viewer_token}"}
    base = f"{live_web.url}/api/v1/reports/sla"
    answer = requests.get(base, params={"month": "2026-11", "group": "customers"}, headers=headers, timeout=10)
    assert answer.status_code == 200
    data = answer.json()
    assert data["period"] == {"start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z"}
    assert sorted(site["name"] for site in data["sites"]) == ["blog", "shop"]
    assert [group["name"] for group in data["groups"]] == ["customers"]
    table = requests.get(base, params={"format": "csv"}, headers=headers, timeout=10)
    assert table.headers["content-type"].startswith("text/csv") and table.text.startswith("site,groups,")
    bad = requests.get(base, params={"month": "2026-11", "from": "2026-11-01"}, headers=headers, timeout=10)
    assert bad.status_code == 400
    missing = requests.get(base, params={"site": "nope"}, headers=headers, timeout=10)
    assert missing.status_code == 404
