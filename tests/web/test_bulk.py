"""Bulk actions over HTTP: POST /api/v1/bulk (admin, validated body) and the overview's form with its preview."""

from __future__ import annotations

import html
import re

import pytest
import requests
from sqlalchemy import insert, select, update

from sitewarden.results import utcnow
from sitewarden.store.audit import audit_entries
from sitewarden.store.site_groups import group_edits
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
    fields = _hidden_fields(preview.text)
    assert fields["confirm"] == "1" and fields["q"] == "group:customers" and "sites" not in fields
    assert fields["fingerprint"].startswith("2:")
    applied = browser.post(live_web.url + "/bulk", data=fields, timeout=10, allow_redirects=False)
    assert applied.status_code == 303, applied.text
    with live_web.database.transaction() as connection:
        entry = audit_entries(connection)[0]
    assert (entry.action, entry.detail["via"]) == ("bulk.maintenance", "session")
    assert entry.detail["sites"] == ["blog", "shop"]
    site_page = browser.get(live_web.url + "/sites/shop", timeout=10)
    assert "PHP 8.3" in site_page.text


def _hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', html))


def _preview(live: LiveWeb, query: str, **fields: str) -> tuple[requests.Session, dict[str, str], str]:
    """A signed-in admin's preview of an action on a query: the session, the confirmation form's fields, the page."""
    browser = logged_in(live)
    page = browser.get(live.url + "/", params={"q": query}, timeout=10)
    answer = browser.post(live.url + "/bulk", data={"csrf_token": csrf_of(page.text), "q": query, **fields}, timeout=10)
    assert answer.status_code == 200, answer.text
    return browser, _hidden_fields(answer.text), answer.text


def _set_groups(live: LiveWeb, groups: dict[str, list[str]]) -> None:
    with live.database.transaction() as connection:
        for name, wanted in groups.items():
            connection.execute(update(sites).where(sites.c.name == name).values(groups=wanted))


@pytest.mark.parametrize(
    ("groups", "says"),
    [
        ({"down-api": ["customers"]}, "(2 sites then, 3 now)"),
        ({"blog": [], "down-api": ["customers"]}, "(2 sites then and now, but not the same ones)"),
    ],
)
def test_confirmation_is_refused_when_the_querys_sites_changed_since_the_preview(
    live_web: LiveWeb, groups: dict[str, list[str]], says: str
) -> None:
    browser, fields, _ = _preview(live_web, "group:customers", action="pause")
    _set_groups(live_web, groups)
    applied = browser.post(live_web.url + "/bulk", data=fields, timeout=10, allow_redirects=False)
    assert applied.status_code == 409
    text = html.unescape(applied.text)
    assert f"the sites matching the query changed since the preview {says}; nothing was changed" in text
    assert "preview the action again" in text
    with live_web.database.transaction() as connection:
        assert audit_entries(connection) == []
    assert _commands(live_web) == []


def test_confirmation_without_its_fingerprint_or_with_a_forged_one_changes_nothing(live_web: LiveWeb) -> None:
    browser, fields, _ = _preview(live_web, "group:customers", action="pause")
    for fingerprint, status in (("", 400), ("x" * 101, 400), ("2:" + "0" * 32, 409), ("two:abc", 409)):
        sent = {**fields, "fingerprint": fingerprint}
        answer = browser.post(live_web.url + "/bulk", data=sent, timeout=10, allow_redirects=False)
        assert answer.status_code == status, (fingerprint, answer.text)
    assert _commands(live_web) == []
    no_token = {key: value for key, value in fields.items() if key != "csrf_token"}
    assert browser.post(live_web.url + "/bulk", data=no_token, timeout=10).status_code == 403
    assert _commands(live_web) == []


def test_preview_of_thousands_of_sites_lists_500_and_confirms_by_query_in_a_small_form(live_web: LiveWeb) -> None:
    now = utcnow()
    many = [f"fleet{number:05d}" for number in range(3000)]
    rows = [
        {"name": name, "url": f"https://{name}.example.org/", "groups": ["wave"], "contacts": [], "source": "api",
         "active": True, "created_at": now, "updated_at": now}
        for name in many
    ]  # fmt: skip
    with live_web.database.transaction() as connection:
        connection.execute(insert(sites), rows)
    browser, fields, page = _preview(live_web, "group:wave", action="add_group", group="wave-1")
    assert page.count('<tr><td><a href="/sites/fleet') == 500 and "… and 2500 more sites." in page
    assert set(fields) == {"csrf_token", "confirm", "action", "q", "until", "reason", "group", "message", "fingerprint"}
    assert sum(len(value) for value in fields.values()) < 300 and fields["fingerprint"].startswith("3000:")
    applied = browser.post(live_web.url + "/bulk", data=fields, timeout=10, allow_redirects=False)
    assert applied.status_code == 303, applied.text
    with live_web.database.transaction() as connection:
        entry = audit_entries(connection)[0]
        grouped = connection.scalars(select(sites.c.name).where(sites.c.name.like("fleet%"))).all()
        edited = {name for name, group, added in group_edits(connection) if group == "wave-1" and added}
    assert entry.action == "bulk.add_group" and entry.detail["count"] == 3000 and entry.detail["changed"] == 3000
    assert edited == set(many) == set(grouped)


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
