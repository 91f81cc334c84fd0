"""`make demo` shows every demo site with the status it is there to show (and the dashboard answers)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sitewarden.acceptance import is_accepted
from sitewarden.app.daemon import build_engine
from sitewarden.config.loader import load_config
from sitewarden.demo.findings import accept_demo_finding
from sitewarden.demo.fleet import DemoFleet, demo_config, heartbeat_pinger
from sitewarden.demo.run import import_demo_catalog
from sitewarden.results import Status
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.database import open_database
from sitewarden.transport.http import HttpClient, HttpRequest
from sitewarden.web.server import serve_beside
from tests.fixtures.servers import free_port

EXPECTED = {
    "healthy/web": Status.OK,
    "slow/web": Status.WARNING,
    "failing/web": Status.ERROR,
    "no-keyword/web": Status.ERROR,
    "self-signed/web": Status.ERROR,
    "refused/web": Status.ERROR,
    "api/health": Status.WARNING,
    "typo3/inventory": Status.OK,
    "wordpress/fingerprint": Status.OK,
    "cms-health/health": Status.WARNING,
    "self-signed/certificate": Status.ERROR,
}


async def test_demo_fleet_shows_the_status_each_site_is_there_for(tmp_path: Path) -> None:
    fleet = DemoFleet(tmp_path)
    sites = await fleet.start()
    config_path = tmp_path / "sitewarden.yaml"
    config_path.write_text(demo_config(sites, tmp_path / "demo.db"))
    config = load_config(config_path)
    database = open_database(config.store.url)
    port = free_port()
    stop = asyncio.Event()
    dashboard = asyncio.create_task(serve_beside(database, config, port, stop, demo=True))
    pinger = asyncio.create_task(heartbeat_pinger(f"http://127.0.0.1:{port}", every=0.5))
    try:
        await import_demo_catalog(config, database)
        engine = build_engine(config, database)
        for _ in range(config.defaults.failure_threshold):
            await engine.run_once()
        states = {key: check.state.hard for key, check in engine.checks.items()}
        for key, expected in EXPECTED.items():
            assert states.get(key) is expected, (key, states.get(key), engine.checks[key].state.last_summary)
        assert {kind for kind in (check.spec.kind for check in engine.checks.values())} >= {
            "http",
            "tls",
            "json",
            "heartbeat",
            "typo3_client",
            "fingerprint",
            "cms_health",
        }
        assert accept_demo_finding(database) and accept_demo_finding(database)
        with database.transaction() as connection:
            rows = {(row["site"], row["item_key"]): row for row in assessment_rows(connection)}
        core = rows[("typo3", "typo3")]
        assert (core["verdict"], core["fixed_version"], core["branch"], core["fix_upgrade"]) == (
            "insecure", "12.4.22", "12", False,
        )  # fmt: skip
        powermail = rows[("typo3", "powermail")]
        assert (powermail["verdict"], powermail["branch_latest"]) == ("outdated", "12.3.5")
        assert (rows[("cms-health", "php")]["verdict"], rows[("cms-health", "php")]["support"]) == ("eol", "eol")
        assert "cannot show security fixes a distribution backported" in rows[("wordpress", "wordpress")]["caveat"]
        news = rows[("typo3", "news")]
        assert news["verdict"] == "insecure" and is_accepted(news)
        response = await HttpClient().request(HttpRequest(url=f"http://127.0.0.1:{port}/", read_body=True))
        assert response.status == 200 and "healthy" in response.text()
        page = await HttpClient().request(HttpRequest(url=f"http://127.0.0.1:{port}/sites/typo3", read_body=True))
        assert "accepted by demo until" in page.text() and 'data-state="accepted"' in page.text()
        assert '<td data-role="branch">12 <span class="support elts">elts</span>' in page.text()
        blog = await HttpClient().request(HttpRequest(url=f"http://127.0.0.1:{port}/sites/wordpress", read_body=True))
        assert 'data-role="caveat">version seen from outside' in blog.text()
        status = await HttpClient().request(HttpRequest(url=f"http://127.0.0.1:{port}/status/demo", read_body=True))
        assert status.status == 200 and "Demo fleet status" in status.text() and "failing" in status.text()
        rows = page.text().split('<tr class="component"')[1:]
        insecure = [row.split("</tr>", 1)[0] for row in rows if ">insecure<" in row.split("</tr>", 1)[0]]
        assert insecure and all('data-role="advisories"></td>' not in row for row in insecure)  # says why
        assert "<td>-</td>" not in page.text().split('class="advisories"', 1)[1]
    finally:
        pinger.cancel()
        stop.set()
        await asyncio.gather(dashboard, pinger, return_exceptions=True)
        await fleet.stop()
        database.close()


async def test_a_taken_dashboard_port_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    import socket
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sitewarden", "demo", "--port", str(port), "--dir", str(tmp_path),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    text = stderr.decode()
    assert process.returncode == 3
    assert f"cannot listen on 127.0.0.1:{port}: address already in use" in text
    assert "Traceback" not in text
