"""Accepted findings over the live web app: the JSON API on both stores, the site page's forms, /metrics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from sitewarden.results import utcnow
from sitewarden.store.database import open_database
from sitewarden.store.users import add_user, create_token
from sitewarden.web.app import create_app
from tests.fixtures.verdicts import FLEET, seed_verdicts
from tests.fixtures.web import VIEWER_PASSWORD, LiveWeb, run_uvicorn, seed_fleet
from tests.web.test_auth import csrf_of, logged_in

UNTIL = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture
def judged_fleet(database_url: str) -> Iterator[LiveWeb]:
    """The web app over judged sites (shop has an insecure extension), on each backend."""
    database = open_database(database_url)
    check_ids = seed_fleet(database, FLEET)
    seed_verdicts(database)
    with database.transaction() as connection:
        add_user(connection, "alice", "not-a-hash", "admin", utcnow())
        add_user(connection, "victor", "not-a-hash", "viewer", utcnow())
        admin_token = create_token(connection, "alice", "tests", utcnow())
        viewer_token = create_token(connection, "victor", "tests", utcnow())
    server, thread, url = run_uvicorn(create_app(database))
    try:
        yield LiveWeb(url, database, admin_token, viewer_token, check_ids)
    finally:
        server.should_exit = True
        thread.join(10)
        database.close()


def call(live: LiveWeb, method: str, path: str, token: str, body: Any = None, **params: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.request(method, live.url + path, json=body, params=params, headers=headers, timeout=10)


def test_an_admin_accepts_and_revokes_through_the_api_and_the_site_counts_accordingly(judged_fleet: LiveWeb) -> None:
    live = judged_fleet
    body = {"site": "shop", "product": "news", "reason": "WAF rule in place", "until": UNTIL}
    created = call(live, "POST", "/api/v1/findings", live.admin_token, body)
    assert created.status_code == 201, created.text
    finding = created.json()
    assert (finding["product"], finding["verdict"], finding["state"], finding["accepted_by"]) == (
        "ter:news", "insecure", "accepted", "alice",
    )  # fmt: skip
    sites = call(live, "GET", "/api/v1/sites", live.viewer_token, verdict="insecure").json()
    assert sites["items"] == []
    inventory = call(live, "GET", "/api/v1/sites/shop/inventory", live.viewer_token).json()
    news = next(item for item in inventory["items"] if item["key"] == "news")
    assert inventory["verdict"] == "outdated" and inventory["advisories"] == []
    assert news["verdict"] == "insecure" and news["accepted"]["reason"] == "WAF rule in place"
    verdicts = call(live, "GET", "/api/v1/verdicts", live.viewer_token, site="shop", verdict="insecure").json()
    assert [item["accepted"] for item in verdicts["items"]] == [True]
    listed = call(live, "GET", "/api/v1/findings", live.viewer_token, site="shop").json()
    assert [item["id"] for item in listed["items"]] == [finding["id"]]
    revoked = call(live, "POST", f"/api/v1/findings/{finding['id']}/revoke", live.admin_token)
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    sites = call(live, "GET", "/api/v1/sites", live.viewer_token, verdict="insecure").json()
    assert [item["name"] for item in sites["items"]] == ["shop"]
    assert call(live, "GET", "/api/v1/findings", live.viewer_token).json()["items"] == []
    assert len(call(live, "GET", "/api/v1/findings", live.viewer_token, all="true").json()["items"]) == 1
    audited = call(live, "GET", "/api/v1/audit", live.admin_token).json()["items"]
    assert [(item["action"], item["target"], item["actor"]) for item in audited] == [
        ("finding.revoke", "shop", "alice"),
        ("finding.accept", "shop", "alice"),
    ]


def test_the_api_refuses_viewers_bad_requests_and_unknown_findings(judged_fleet: LiveWeb) -> None:
    live = judged_fleet
    body = {"site": "shop", "product": "news", "reason": "WAF rule in place", "until": UNTIL}
    assert call(live, "POST", "/api/v1/findings", live.viewer_token, body).status_code == 403
    past = call(live, "POST", "/api/v1/findings", live.admin_token, {**body, "until": "2001-01-01"})
    assert past.status_code == 400 and "in the past" in past.json()["error"]
    extra = call(live, "POST", "/api/v1/findings", live.admin_token, {**body, "who": "me"})
    assert extra.status_code == 400 and "unknown field 'who'" in extra.json()["error"]
    missing = call(live, "POST", "/api/v1/findings", live.admin_token, {**body, "site": "nowhere"})
    assert missing.status_code == 404
    assert call(live, "POST", "/api/v1/findings/999/revoke", live.admin_token).status_code == 404
    assert call(live, "POST", "/api/v1/findings/999/revoke", live.viewer_token).status_code == 403


def test_metrics_count_sites_and_items_by_verdict_with_accepted_findings_apart(judged_fleet: LiveWeb) -> None:
    live = judged_fleet
    body = {"site": "shop", "product": "ter:news", "reason": "WAF rule in place", "until": UNTIL}
    assert call(live, "POST", "/api/v1/findings", live.admin_token, body).status_code == 201
    text = call(live, "GET", "/metrics", live.viewer_token).text
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert samples[("sitewarden_accepted_findings", (("verdict", "insecure"),))] == 1
    assert samples[("sitewarden_items_by_verdict", (("verdict", "insecure"),))] == 0
    assert samples[("sitewarden_sites_by_verdict", (("verdict", "outdated"),))] == 2  # shop and blog
    assert samples[("sitewarden_sites_by_verdict", (("verdict", "eol"),))] == 1
    assert samples[("sitewarden_site_verdict", (("site", "shop"), ("verdict", "outdated")))] == 1


def test_the_site_page_form_accepts_with_its_csrf_token_and_viewers_only_see(live_web: LiveWeb) -> None:
    seed_verdicts(live_web.database)
    admin = logged_in(live_web)
    page = admin.get(live_web.url + "/sites/shop", timeout=10).text
    assert 'data-role="accept-form"' in page and "No finding accepted." in page
    form = {"product": "ter:news", "subject": "advisory:TYPO3-EXT-SA-2024-001", "reason": "WAF rule", "until": UNTIL}
    refused = admin.post(live_web.url + "/sites/shop/findings", data=form, allow_redirects=False, timeout=10)
    assert refused.status_code == 403
    answer = admin.post(
        live_web.url + "/sites/shop/findings", data={**form, "csrf_token": csrf_of(page)}, allow_redirects=False,
        timeout=10,
    )  # fmt: skip
    assert answer.status_code == 303
    page = admin.get(live_web.url + "/sites/shop", timeout=10).text
    news = page.split('data-key="news">', 1)[1].split("</tr>", 1)[0]
    assert f"accepted by alice until {UNTIL}" in news and 'data-role="accept-form"' not in news
    assert 'data-state="accepted"' in page and "advisory TYPO3-EXT-SA-2024-001" in page
    assert 'data-role="site-verdict">outdated' in page
    overview = admin.get(live_web.url + "/", timeout=10).text
    assert "1 accepted" in overview.split('href="/sites/shop"', 1)[1].split("</tr>", 1)[0]
    viewer = logged_in(live_web, "victor", VIEWER_PASSWORD)
    seen = viewer.get(live_web.url + "/sites/shop", timeout=10).text
    assert f"accepted by alice until {UNTIL}" in seen
    assert 'data-role="accept-form"' not in seen and 'data-action="revoke"' not in seen
    forbidden = viewer.post(
        live_web.url + "/sites/shop/findings/1/revoke", data={"csrf_token": csrf_of(seen)}, allow_redirects=False,
        timeout=10,
    )  # fmt: skip
    assert forbidden.status_code == 403
    revoked = admin.post(
        live_web.url + "/sites/shop/findings/1/revoke", data={"csrf_token": csrf_of(page)}, allow_redirects=False,
        timeout=10,
    )  # fmt: skip
    assert revoked.status_code == 303
    page = admin.get(live_web.url + "/sites/shop", timeout=10).text
    assert 'data-state="revoked"' in page and 'data-role="site-verdict">insecure' in page


def test_an_api_mutation_made_with_a_session_needs_the_csrf_header(live_web: LiveWeb) -> None:
    seed_verdicts(live_web.database)
    admin = logged_in(live_web)
    body = {"site": "shop", "product": "news", "reason": "WAF rule", "until": UNTIL}
    assert admin.post(live_web.url + "/api/v1/findings", json=body, timeout=10).status_code == 403
    token = csrf_of(admin.get(live_web.url + "/", timeout=10).text)
    answer = admin.post(live_web.url + "/api/v1/findings", json=body, headers={"X-CSRF-Token": token}, timeout=10)
    assert answer.status_code == 201
