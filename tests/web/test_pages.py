"""Pages read through a live server: overview filters, the site page, the public status page, /metrics, /health."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from sitewarden.results import utcnow
from sitewarden.store.workers import publish_stats
from tests.fixtures.web import LiveWeb, viewer_browser


def get(live: LiveWeb, path: str, **params: str) -> requests.Response:
    if path.startswith(("/metrics", "/health")):
        headers = {"Authorization": f"Bearer {live.viewer_token}"}
        return requests.get(live.url + path, params=params, headers=headers, timeout=10, allow_redirects=False)
    return viewer_browser(live).get(live.url + path, params=params, timeout=10, allow_redirects=False)


def site_links(html: str) -> list[str]:
    import re

    return re.findall(r'class="site-link" href="/sites/([^"]+)"', html)


def test_overview_counts_filters_sorts_and_pages(live_web: LiveWeb) -> None:
    html = get(live_web, "/").text
    assert site_links(html) == ["down-api", "blog", "shop"]
    assert 'href="?status=error&amp;sort=status">error <strong>1</strong>' in html
    assert site_links(get(live_web, "/", status="ok", sort="name").text) == ["blog", "shop"]
    assert site_links(get(live_web, "/", group="customers").text) == ["blog", "shop"]
    assert site_links(get(live_web, "/", q="api").text) == ["down-api"]
    assert site_links(get(live_web, "/", per_page="25", page="2").text) == []
    assert '<svg class="spark"' in html and "32 days" in html


def test_overview_says_why_a_site_is_red(live_web: LiveWeb) -> None:
    html = get(live_web, "/").text
    row = html[html.index('href="/sites/down-api"') : html.index('href="/sites/blog"')]
    assert '<div class="why" data-role="why"><b>web</b> error: status 503</div>' in row
    assert 'data-role="why"' not in html[html.index('href="/sites/blog"') :]


def test_recent_results_are_summary_lines_with_details_on_demand(live_web: LiveWeb) -> None:
    html = get(live_web, "/sites/down-api").text
    rows = html.count('<td class="when">')
    pattern = r'<details class="raw" id="result-(\d+)" data-role="result-details"><summary id="result-summary-\1">'
    details = re.findall(pattern, html)
    assert rows >= 10 and len(details) == rows
    assert "<th>Details</th>" not in html and "hx-preserve" not in html and "/static/live.js" in html


def test_events_show_severity_and_channel_filter_links(live_web: LiveWeb) -> None:
    from sitewarden.events.model import Event, EventType, Severity
    from sitewarden.store.events import insert_events

    with live_web.database.transaction() as connection:
        insert_events(connection, [Event(EventType.AVAILABILITY, Severity.ERROR, "site.shop.web", "web is down", {})])
        insert_events(connection, [Event(EventType.AVAILABILITY, Severity.ERROR, "site.blog.web", "blog down", {})])
    html = get(live_web, "/events").text
    assert '<span class="sev error" data-role="severity">error</span>' in html
    assert 'href="/events?channel=site.shop.web" data-role="channel">web</a>' in html
    only = get(live_web, "/events", channel="site.shop.*").text
    assert "web is down" in only and "blog down" not in only
    assert 'hx-trigger="every 10s"' in html


def test_favicon_is_served_without_login(live_web: LiveWeb) -> None:
    answer = requests.get(live_web.url + "/favicon.ico", timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.text.startswith("<svg")


def test_overview_and_site_page_say_when_the_engine_stopped_reporting(live_web: LiveWeb) -> None:
    stale = '<p class="stale" role="status" data-role="freshness">Data may be stale: no engine has reported yet'
    assert stale in get(live_web, "/", fragment="table").text and stale in get(live_web, "/sites/shop").text
    with live_web.database.transaction() as connection:
        publish_stats(connection, "engine-1", utcnow(), {}, utcnow())
    fresh = get(live_web, "/", fragment="table").text
    assert 'data-role="freshness">Live: updated' in fresh and "Data may be stale" not in fresh


def test_overview_fragment_is_only_the_table_for_auto_refresh(live_web: LiveWeb) -> None:
    fragment = get(live_web, "/", fragment="table", status="error").text
    assert fragment.startswith('<div id="overview-table"') and "<html" not in fragment
    assert 'hx-trigger="every 15s"' in fragment and site_links(fragment) == ["down-api"]


def test_site_page_shows_checks_history_results_and_unknown_sites_are_404(live_web: LiveWeb) -> None:
    html = get(live_web, "/sites/down-api", range="7d").text
    assert 'data-status="error"' in html and "status 503" in html
    assert '<span class="badge" data-role="class">http_status</span>' in html
    assert 4 <= html.count('class="band error"') <= 5
    assert "Recent results (10)" in html and "days_left = 32.0" in html
    assert get(live_web, "/sites/nothing").status_code == 404


def test_status_page_is_public_and_shows_only_what_the_config_allows(live_web: LiveWeb) -> None:
    answer = requests.get(live_web.url + "/status/customers", timeout=10)
    assert answer.status_code == 200 and "set-cookie" not in answer.headers
    assert "Customer sites" in answer.text and "blog" in answer.text and "shop" in answer.text
    assert "down-api" not in answer.text and "127.0.0.1:9" not in answer.text and "status 200" not in answer.text
    assert requests.get(live_web.url + "/status/other", timeout=10).status_code == 404


def test_events_heartbeats_extensions_and_tokens_pages_render(live_web: LiveWeb) -> None:
    for path in ("/events", "/heartbeats", "/extensions", "/tokens"):
        answer = get(live_web, path, severity="error")
        assert answer.status_code == 200, path
    assert "No heartbeat checks are configured." in get(live_web, "/heartbeats").text


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_are_prometheus_text_with_check_and_engine_figures(live_web: LiveWeb) -> None:
    with live_web.database.transaction() as connection:
        stats = {
            "lag_seconds": 0.25, "write_queue": 3, "runs": 7, "failed_batches": 0, "pools": {"network": 2},
            "lag_histogram": {"le": [0.1, 1.0], "buckets": [5, 6, 7], "sum": 2.5, "count": 7},
            "offered_per_second": 12.5, "started_per_second": 12.0, "overloaded": False,
        }  # fmt: skip
        publish_stats(connection, "worker-1", utcnow(), stats, utcnow())
    answer = get(live_web, "/metrics", checks="all")
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = _samples(answer.text)
    assert samples[("sitewarden_check_status", (("check", "web"), ("kind", "http"), ("site", "down-api")))] == 2
    failing = (("check", "web"), ("class", "http_status"), ("kind", "http"), ("site", "down-api"))
    assert samples[("sitewarden_check_failure", failing)] == 1
    assert not any(name == "sitewarden_check_failure" and ("site", "shop") in labels for name, labels in samples)
    assert samples[("sitewarden_certificate_days_left", (("check", "cert"), ("site", "down-api")))] == 32
    assert not any(
        name == "sitewarden_certificate_days_left" and ("check", "web") in labels for name, labels in samples
    )
    assert samples[("sitewarden_engine_lag_seconds", (("worker", "worker-1"),))] == 0.25
    assert samples[("sitewarden_engine_queue_size", (("queue", "write"), ("worker", "worker-1")))] == 3
    assert samples[("sitewarden_engine_running_checks", (("pool", "network"), ("worker", "worker-1")))] == 2
    lag = "sitewarden_engine_start_lag_seconds"
    assert samples[(f"{lag}_bucket", (("le", "1.0"), ("worker", "worker-1")))] == 6
    assert samples[(f"{lag}_bucket", (("le", "+Inf"), ("worker", "worker-1")))] == 7
    assert samples[(f"{lag}_sum", (("worker", "worker-1"),))] == 2.5
    assert samples[("sitewarden_engine_offered_checks_per_second", (("worker", "worker-1"),))] == 12.5
    assert requests.get(live_web.url + "/metrics", timeout=10).status_code == 401


def test_metrics_count_checks_by_kind_and_status_unless_asked_for_every_check(live_web: LiveWeb) -> None:
    samples = _samples(get(live_web, "/metrics").text)
    assert not any(name == "sitewarden_check_status" for name, _ in samples)
    assert samples[("sitewarden_checks", (("kind", "http"), ("status", "error")))] >= 1
    assert samples[("sitewarden_certificate_days_left", (("check", "cert"), ("site", "down-api")))] == 32
    assert sum(value for (name, _), value in samples.items() if name == "sitewarden_checks") == sum(
        1 for name, _ in _samples(get(live_web, "/metrics", checks="all").text) if name == "sitewarden_check_paused"
    )


def test_health_is_a_cms_health_check_document(live_web: LiveWeb) -> None:
    answer = get(live_web, "/health")
    assert answer.headers["content-type"] == "application/health+json"
    body = answer.json()
    assert body["status"] == "warn" and body["serviceId"] == "sitewarden"
    assert body["checks"]["sitewarden:database"][0]["status"] == "pass"
    assert body["checks"]["sitewarden:engine"][0]["output"] == "no engine has reported to this store"
    with live_web.database.transaction() as connection:
        publish_stats(connection, "worker-1", utcnow(), {}, utcnow())
    assert get(live_web, "/health").json()["status"] == "pass"


def test_heartbeats_page_shows_the_ping_url_and_the_last_ping(live_web: LiveWeb) -> None:
    from datetime import timedelta

    from sitewarden.store.heartbeats import HeartbeatSpec, record_ping, sync_heartbeats
    from sitewarden.store.tables import checks

    now = utcnow()
    uuid = "0b7c3a52-1d2e-4f60-8a9b-c0d1e2f3a4b5"
    with live_web.database.transaction() as connection:
        connection.execute(
            checks.insert().values(
                key="nightly-backup",
                name="nightly-backup",
                kind="heartbeat",
                params={},
                interval_s=60.0,
                source="config",
                active=True,
                created_at=now,
                updated_at=now,
            )
        )
        sync_heartbeats(connection, [HeartbeatSpec("nightly-backup", uuid, 3600.0, 600.0)], now)
        record_ping(connection, uuid, "start", now - timedelta(seconds=90))
        record_ping(connection, uuid, "success", now - timedelta(seconds=30))
    page = get(live_web, "/heartbeats").text
    assert f"{live_web.url}/ping/{uuid}" in page
    assert "nightly-backup" in page and "60.0 s" in page and "never" not in page


def test_events_page_says_when_the_engine_stopped_reporting(live_web: LiveWeb) -> None:
    stale = '<p class="stale" role="status" data-role="freshness">Data may be stale: no engine has reported yet'
    html = get(live_web, "/events").text
    assert stale in html and html.index('id="event-list"') < html.index(stale)  # inside the part that refreshes
    with live_web.database.transaction() as connection:
        publish_stats(connection, "engine-1", utcnow(), {}, utcnow())
    assert 'data-role="freshness">Live: updated' in get(live_web, "/events").text


def test_overview_and_site_page_show_uptime_over_24_hours_7_days_and_30_days(live_web: LiveWeb) -> None:
    html = get(live_web, "/").text
    down = html[html.index('href="/sites/down-api"') : html.index('href="/sites/blog"')]
    figures = (
        '<dl class="uptime" data-role="uptime"><div><dt>24 h</dt><dd>{0}</dd></div>'
        "<div><dt>7 d</dt><dd>{0}</dd></div><div><dt>30 d</dt><dd>{0}</dd></div></dl>"
    )
    assert figures.format("0%") in down and figures.format("100%") in html[html.index('href="/sites/blog"') :]
    site = get(live_web, "/sites/down-api").text
    checks = site[site.index('id="check-web"') :]
    assert figures.format("0%") in checks  # the web check
    assert "<span>Uptime of the site</span> " + figures.format("0%") in site


def test_a_soft_state_on_the_site_page_reads_as_in_status(live_web: LiveWeb) -> None:
    from sitewarden.results import Status
    from sitewarden.states import CheckState
    from sitewarden.store.states import save_states

    now = utcnow()
    first_failure = CheckState(
        hard=Status.OK, hard_since=now, soft=Status.ERROR, attempts=1, last_status=Status.ERROR,
        last_summary="status 503", last_result_at=now, last_duration_ms=12.0,
    )  # fmt: skip
    with live_web.database.transaction() as connection:
        save_states(connection, {live_web.check_ids["shop/web"]: first_failure}, now)
    html = get(live_web, "/sites/shop").text
    card = html[html.index('id="check-web"') :]
    assert '<span class="status error" data-role="state">error</span>' in card
    assert 'data-role="soft" title="not confirmed yet: the confirmed status is ok">(soft, 1 of 3)</span>' in card


def test_status_page_shows_uptime_over_24_hours_7_days_and_30_days(live_web: LiveWeb) -> None:
    from datetime import timedelta

    from sitewarden.results import Result, Status
    from sitewarden.store.results import insert_results
    from sitewarden.store.rollups import add_to_rollups

    blog = live_web.check_ids["blog/web"]
    now = utcnow()
    older = [(blog, Result(Status.ERROR, "status 503", [], {}, now - timedelta(days=3), 40.0)) for _ in range(8)]
    older += [(blog, Result(Status.ERROR, "status 503", [], {}, now - timedelta(days=10), 40.0)) for _ in range(32)]
    with live_web.database.transaction() as connection:
        insert_results(connection, older)
        add_to_rollups(connection, older)
    html = requests.get(live_web.url + "/status/customers", timeout=10).text
    assert "<th>24 h</th><th>7 d</th><th>30 d</th>" in html
    row = html[html.index("blog") :].split("</tr>", 1)[0]
    # 24 ok results today, 8 errors three days ago, 32 ten days ago
    assert '<td data-role="uptime-24h">100%</td>' in row
    assert '<td data-role="uptime-7d">75.00%</td>' in row
    assert '<td data-role="uptime-30d">37.50%</td>' in row


def test_a_store_defined_check_shows_its_own_failure_threshold_on_the_site_page_and_in_status(
    live_web: LiveWeb, tmp_path: Path
) -> None:
    """The thresholds come from the store (written by the engine's sync), not from the dashboard's config file."""
    from sitewarden.config.loader import load_config
    from sitewarden.engine.service import Engine
    from sitewarden.results import Status
    from sitewarden.states import CheckState
    from sitewarden.store.states import save_states

    headers = {"Authorization": f"Bearer {live_web.admin_token}"}
    body = {
        "name": "intra",
        "url": "http://127.0.0.1:9/",
        "checks": [{"kind": "http", "name": "web", "failure_threshold": 5}],
    }
    created = requests.post(f"{live_web.url}/api/v1/sites", json=body, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    config_path = tmp_path / "sitewarden.yaml"
    config_path.write_text(f'store: {{url: "sqlite:///{tmp_path / "web.db"}"}}\nsites: []\n')
    engine = Engine(load_config(config_path), live_web.database)  # its start-up sync stores the check's thresholds
    check_id = engine.checks["intra/web"].check_id
    now = utcnow()
    first_failure = CheckState(
        hard=Status.OK, hard_since=now, soft=Status.ERROR, attempts=1, last_status=Status.ERROR,
        last_summary="status 503", last_result_at=now, last_duration_ms=12.0,
    )  # fmt: skip
    with live_web.database.transaction() as connection:
        save_states(connection, {check_id: first_failure}, now)
    html = get(live_web, "/sites/intra").text
    card = html[html.index('id="check-web"') :]
    assert 'data-role="soft" title="not confirmed yet: the confirmed status is ok">(soft, 1 of 5)</span>' in card
    shown = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "sitewarden", "status", "intra", "--json", "-c", str(config_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert shown.returncode == 2, shown.stderr
    (row,) = json.loads(shown.stdout)
    assert (row["key"], row["status"], row["soft"]) == ("intra/web", "error", "soft, 1 of 5")
