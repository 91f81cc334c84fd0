"""Inventory, verdict, extension and delivery views over a live server, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from sitewarden.passwords import hash_password
from sitewarden.results import utcnow
from sitewarden.store.database import open_database
from sitewarden.store.users import add_user, create_token
from sitewarden.web.app import create_app
from tests.fixtures.verdicts import FLEET, seed_deliveries, seed_verdicts
from tests.fixtures.web import ADMIN_PASSWORD, VIEWER_PASSWORD, LiveWeb, run_uvicorn, seed_fleet, viewer_browser


@pytest.fixture
def live_fleet(database_url: str) -> Iterator[LiveWeb]:
    """The dashboard over a store with inventories, verdicts and deliveries, on each backend."""
    database = open_database(database_url)
    check_ids = seed_fleet(database, FLEET)
    seed_verdicts(database)
    seed_deliveries(database)
    with database.transaction() as connection:
        add_user(connection, "alice", hash_password(ADMIN_PASSWORD), "admin", utcnow())
        add_user(connection, "victor", hash_password(VIEWER_PASSWORD), "viewer", utcnow())
        admin_token = create_token(connection, "alice", "tests", utcnow())
        viewer_token = create_token(connection, "victor", "tests", utcnow())
    server, thread, url = run_uvicorn(create_app(database))
    try:
        yield LiveWeb(url, database, admin_token, viewer_token, check_ids)
    finally:
        server.should_exit = True
        thread.join(10)
        database.close()


def get(live: LiveWeb, path: str, **params: Any) -> requests.Response:
    if path.startswith(("/metrics", "/health")):
        headers = {"Authorization": f"Bearer {live.viewer_token}"}
        answer = requests.get(live.url + path, params=params, headers=headers, timeout=10, allow_redirects=False)
    else:
        answer = viewer_browser(live).get(live.url + path, params=params, timeout=10, allow_redirects=False)
    assert answer.status_code == 200, (path, answer.text[:300])
    return answer


def site_links(html: str) -> list[str]:
    return re.findall(r'class="site-link" href="/sites/([^"]+)"', html)


def test_overview_shows_cms_version_and_worst_verdict_and_filters_by_them(live_fleet: LiveWeb) -> None:
    html = get(live_fleet, "/", sort="name").text
    shop = html.split('href="/sites/shop"', 1)[1].split("</tr>", 1)[0]
    assert "typo3</a> 12.4.10" in shop and 'data-role="verdict"' in shop and ">insecure</a>" in shop
    assert "1 insecure" in shop
    drupal = html.split('href="/sites/drupal-site"', 1)[1].split("</tr>", 1)[0]
    assert "drupal</a> 10.2.0" in drupal and 'data-role="verdict"' not in drupal
    assert site_links(get(live_fleet, "/", cms="typo3").text) == ["legacy", "shop"]
    assert site_links(get(live_fleet, "/", verdict="eol").text) == ["legacy"]
    assert site_links(get(live_fleet, "/", cms="purple", verdict="outdated").text) == ["blog"]
    assert '<option value="typo3" selected>' in get(live_fleet, "/", cms="typo3").text


def test_site_page_lists_the_inventory_with_verdicts_and_open_advisories(live_fleet: LiveWeb) -> None:
    html = get(live_fleet, "/sites/shop").text
    section = html.split('<section id="inventory">', 1)[1].split("</section>", 1)[0]
    assert 'data-role="site-verdict">insecure' in section
    assert "typo3 12.4.10" in section and "8.1.2" in section and "mysql 8.0.30" in section
    assert "nginx/1.24.0" in section
    rows = re.findall(r'<tr class="component" data-kind="([^"]+)" data-key="([^"]+)">', section)
    assert rows[:3] == [("core", "typo3"), ("php", "php"), ("database", "mysql")]
    news = section.split('data-key="news">', 1)[1].split("</tr>", 1)[0]
    assert "News system" in news and "11.0.0" in news and ">yes<" in news and "insecure" in news
    assert "11.0.1" in news and "TYPO3-EXT-SA-2024-001" in news
    custom = section.split('data-key="my_custom">', 1)[1].split("</tr>", 1)[0]
    assert ">no<" in custom and "unknown" in custom
    advisories = section.split('class="advisories"', 1)[1]
    assert 'href="https://typo3.org/security/advisory/typo3-ext-sa-2024-001"' in advisories
    assert "high" in advisories and "extension news" in advisories and "Cross-site scripting in news" in advisories
    assert "No open advisory." in get(live_fleet, "/sites/blog").text
    assert 'id="inventory"' not in get(live_fleet, "/sites/down-api").text


def test_extensions_page_lists_every_extension_filterable_by_insecure_and_outdated(live_fleet: LiveWeb) -> None:
    def keys(**params: str) -> list[str]:
        return re.findall(r'<tr class="extension" data-key="([^"]+)"', get(live_fleet, "/extensions", **params).text)

    assert keys() == ["news", "powermail", "akismet", "my_custom"]
    assert keys(only="insecure") == ["news"]
    assert keys(only="outdated") == ["news", "powermail"]
    assert keys(q="akis") == ["akismet"]
    html = get(live_fleet, "/extensions").text
    news = html.split('data-key="news"', 1)[1].split("</tr>", 1)[0]
    assert "11.0.0" in news and "11.0.1" in news and 'href="/sites/legacy"' in news and 'href="/sites/shop"' in news
    assert "insecure × 1" in news and "up_to_date × 1" in news


def test_events_page_shows_deliveries_and_failures(live_fleet: LiveWeb) -> None:
    html = get(live_fleet, "/events").text
    section = html.split('<section id="deliveries">', 1)[1]
    assert 'data-state="failed">failed <strong>1</strong>' in section
    assert "webhook" in section and "email" in section and "status 503 from the hook" in section
    failed = get(live_fleet, "/events", deliveries="failed").text.split('<section id="deliveries">', 1)[1]
    assert "webhook" in failed and "<td>email</td>" not in failed


def test_metrics_count_failed_delivery_attempts_per_handler(live_fleet: LiveWeb) -> None:
    families = {family.name: family for family in text_string_to_metric_families(get(live_fleet, "/metrics").text)}
    samples = {sample.labels["handler"]: sample.value for sample in families["sitewarden_handler_failures"].samples}
    assert samples == {"webhook": 2.0}


def api(live: LiveWeb, path: str, token: str | None = "viewer", **params: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {live.viewer_token}"} if token == "viewer" else {}
    return requests.get(live.url + "/api/v1" + path, params=params, headers=headers, timeout=10)


def test_api_inventory_verdicts_advisories_and_extensions(live_fleet: LiveWeb) -> None:
    for path in ("/sites/shop/inventory", "/verdicts", "/advisories", "/extensions"):
        assert api(live_fleet, path, token=None).status_code == 401, path
    inventory = api(live_fleet, "/sites/shop/inventory").json()
    assert inventory["verdict"] == "insecure" and inventory["facts"]["cms_version"] == "12.4.10"
    news = next(item for item in inventory["items"] if item["key"] == "news")
    assert news["advisories"] == ["TYPO3-EXT-SA-2024-001"] and news["fixed_version"] == "11.0.1" and news["active"]
    assert [advisory["id"] for advisory in inventory["advisories"]] == ["TYPO3-EXT-SA-2024-001"]
    assert api(live_fleet, "/sites/down-api/inventory").json()["facts"] is None
    assert api(live_fleet, "/sites/nowhere/inventory").status_code == 404
    verdicts = api(live_fleet, "/verdicts", verdict="eol").json()
    assert verdicts["total"] == 1 and verdicts["items"][0]["site"] == "legacy"
    assert api(live_fleet, "/verdicts", verdict="purple").status_code == 400
    advisories = api(live_fleet, "/advisories").json()
    assert advisories["total"] == 1 and advisories["items"][0]["site"] == "shop"
    assert advisories["items"][0]["aliases"] == ["CVE-2024-0001"]
    assert api(live_fleet, "/advisories", site="blog").json()["items"] == []
    extensions = api(live_fleet, "/extensions", only="outdated").json()
    assert [item["key"] for item in extensions["items"]] == ["news", "powermail"] and extensions["total"] == 2
    assert api(live_fleet, "/extensions", limit=2, offset=1).status_code == 400
    sites = api(live_fleet, "/sites", cms="typo3", verdict="insecure").json()
    assert [(site["name"], site["cms_version"], site["verdict"]) for site in sites["items"]] == [
        ("shop", "12.4.10", "insecure")
    ]


def test_search_box_takes_a_fleet_query_and_shows_the_matched_item(live_fleet: LiveWeb) -> None:
    html = get(live_fleet, "/", q="extension:news -verdict:up_to_date").text
    assert site_links(html) == ["shop"]
    assert re.search(r'data-role="match">extension news 11.0.0 <span class="verdict insecure">', html)
    assert site_links(get(live_fleet, "/", q="shop").text) == ["shop"]  # bare words stay a name search
    wrong = get(live_fleet, "/", q="cms:typo3 verdcit:eol").text
    assert site_links(wrong) == [] and 'data-role="query-error"' in wrong
    assert "cms:typo3 verdcit:eol\n          ^</pre>" in wrong and "column 11" in wrong


def test_a_query_match_with_an_accepted_finding_shows_its_judged_verdict_marked_accepted(live_fleet: LiveWeb) -> None:
    from datetime import timedelta

    from sitewarden.app.findings import AcceptRequest, accept

    until = utcnow().date() + timedelta(days=30)
    last = until.isoformat()
    request = AcceptRequest("shop", "ter:news", "patched by hand", until)
    with live_fleet.database.transaction() as connection:
        accept(connection, request, "alice", utcnow())
    body = get(live_fleet, "/api/v1/sites", q="extension:news verdict:up_to_date", limit=10).json()
    matches = {site["name"]: site["match"] for site in body["items"]}
    assert matches["shop"] == {
        "item": "extension news", "version": "11.0.0", "verdict": "insecure", "accepted": True,
        "accepted_until": last,
    }  # fmt: skip
    assert matches["legacy"]["verdict"] == "up_to_date" and matches["legacy"]["accepted"] is False
    assert get(live_fleet, "/api/v1/sites", q="extension:news verdict:insecure").json()["items"] == []
    html = get(live_fleet, "/", q="extension:news version:11.0.0").text
    assert re.search(
        r'data-role="match">extension news 11.0.0 <span class="verdict insecure">insecure</span> '
        r'<span class="badge accepted" data-role="match-accepted">accepted until ' + last + "</span>",
        html,
    )


def test_extension_versions_link_to_their_fleet_query(live_fleet: LiveWeb) -> None:
    html = get(live_fleet, "/extensions").text
    links = re.findall(r'data-role="version-query" href="/\?q=([^"]+)"', html)
    assert "extension%3Anews%20version%3A11.0.0" in links
    followed = get(live_fleet, "/", q="extension:news version:11.0.0").text
    assert site_links(followed) == ["shop"]


def test_api_sites_answer_a_fleet_query_with_the_matched_item_or_a_400_with_the_column(live_fleet: LiveWeb) -> None:
    body = get(live_fleet, "/api/v1/sites", q="cms:typo3 version:<12", limit=10).json()
    assert [site["name"] for site in body["items"]] == ["legacy"] and body["total"] == 1
    assert body["items"][0]["match"] == {
        "item": "core typo3", "version": "10.4.0", "verdict": "eol", "accepted": False, "accepted_until": None,
    }  # fmt: skip
    answer = requests.get(
        live_fleet.url + "/api/v1/sites",
        params={"q": "php:<abc"},
        headers={"Authorization": f"Bearer {live_fleet.viewer_token}"},
        timeout=10,
    )
    assert answer.status_code == 400 and answer.json()["error"] == "query error at column 6: 'abc' is not a version"
