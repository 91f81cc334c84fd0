"""Bulk actions over HTTP: POST /api/v1/bulk (admin, validated body) and the overview's form with its preview."""

from __future__ import annotations

import re

from sqlalchemy import select

from sitewarden.store.audit import audit_entries
from sitewarden.store.tables import commands, sites
from tests.fixtures.web import LiveWeb, csrf_of, logged_in, viewer_browser
from tests.web.test_api import call


def _commands(live: LiveWeb) -> list[tuple[str, str, str]]:
    with live.database.transaction() as connection:
        rows = connection.execute(select(commands.c.check_key, commands.c.action, commands.c.requested_by))
        return sorted((row[0], row[1], row[2]) for row in rows)


def test_api_bulk_pauses_the_sites_of_a_query_and_says_what_changed(live_web: LiveWeb) -> None:
    answer = call(live_web, "POST", "/bulk", json={"action": "pause", "query": "group:customers"})
    assert answer.status_code == 200, answer.text
    outcome = answer.json()
    assert outcome["applied"] is True and outcome["sites"] == 2 and outcome["changes"] == 2
    assert {item["site"]: item["changes"] for item in outcome["items"]} == {
        "blog": ["pause blog/web"],
        "shop": ["pause shop/web"],
    }
    assert _commands(live_web) == [("blog/web", "pause", "alice"), ("shop/web", "pause", "alice")]
    with live_web.database.transaction() as connection:
        entry = audit_entries(connection)[0]
    assert (entry.action, entry.actor, entry.detail["via"]) == ("bulk.pause", "alice", "token")
    assert entry.detail["count"] == 2


def test_api_dry_run_changes_nothing(live_web: LiveWeb) -> None:
    body = {"action": "add_group", "sites": ["down-api"], "group": "wave-1", "dry_run": True}
    answer = call(live_web, "POST", "/bulk", json=body)
    assert answer.status_code == 200 and answer.json()["applied"] is False
    assert answer.json()["items"] == [{"site": "down-api", "changes": ["add group wave-1"]}]
    with live_web.database.transaction() as connection:
        assert connection.scalar(select(sites.c.groups).where(sites.c.name == "down-api")) == []
        assert audit_entries(connection) == []


def test_api_bulk_is_for_admins_and_refuses_bad_bodies_with_a_reason(live_web: LiveWeb) -> None:
    body = {"action": "run_now", "sites": ["shop"]}
    assert call(live_web, "POST", "/bulk", token=None, json=body).status_code == 401
    assert call(live_web, "POST", "/bulk", token="viewer", json=body).status_code == 403
    for sent, status, reason in (
        ({"action": "reboot", "sites": ["shop"]}, 422, "action: Input should be"),
        ({"action": "pause", "sites": ["shop"], "colour": "red"}, 422, "colour: Extra inputs"),
        ({"action": "pause"}, 422, "a query or with a list"),
        ({"action": "maintenance", "sites": ["shop"], "until": "2h"}, 422, "needs a reason"),
        ({"action": "maintenance", "sites": ["shop"], "until": "later", "reason": "x"}, 422, "neither a duration"),
        ({"action": "pause", "sites": ["nosuch"]}, 404, "no active site named nosuch"),
        ({"action": "pause", "query": "stauts:error"}, 400, "query error at column 1"),
    ):
        answer = call(live_web, "POST", "/bulk", json=sent)
        assert answer.status_code == status and reason in answer.json()["error"], (sent, answer.text)
    assert _commands(live_web) == []


def test_overview_form_previews_then_applies_with_its_csrf_token(live_web: LiveWeb) -> None:
    browser = logged_in(live_web)
    page = browser.get(live_web.url + "/?q=group:customers", timeout=10)
    assert 'action="/bulk"' in page.text
    preview = browser.post(
        live_web.url + "/bulk",
        data={"csrf_token": csrf_of(page.text), "q": "group:customers", "action": "maintenance",
              "until": "2h", "reason": "PHP 8.3"},
        timeout=10,
    )  # fmt: skip
    assert preview.status_code == 200, preview.text
    assert "blog" in preview.text and "shop" in preview.text and "down-api" not in preview.text
    with live_web.database.transaction() as connection:
        assert audit_entries(connection) == []
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', preview.text))
    names = fields["sites"].split()
    assert names == ["blog", "shop"] and fields["confirm"] == "1"
    applied = browser.post(live_web.url + "/bulk", data=fields, timeout=10, allow_redirects=False)
    assert applied.status_code == 303, applied.text
    with live_web.database.transaction() as connection:
        entry = audit_entries(connection)[0]
    assert (entry.action, entry.detail["via"], entry.detail["sites"]) == ("bulk.maintenance", "session", names)
    site_page = browser.get(live_web.url + "/sites/shop", timeout=10)
    assert "PHP 8.3" in site_page.text


def test_overview_form_needs_the_csrf_token_and_an_admin(live_web: LiveWeb) -> None:
    browser = logged_in(live_web)
    answer = browser.post(live_web.url + "/bulk", data={"q": "group:customers", "action": "pause"}, timeout=10)
    assert answer.status_code == 403
    viewer = viewer_browser(live_web)
    page = viewer.get(live_web.url + "/", timeout=10)
    assert 'action="/bulk"' not in page.text
    answer = viewer.post(
        live_web.url + "/bulk", data={"csrf_token": csrf_of(page.text), "q": "x", "action": "pause"}, timeout=10
    )
    assert answer.status_code == 403
    assert _commands(live_web) == []
