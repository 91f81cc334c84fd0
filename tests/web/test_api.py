"""The JSON API against a live server: every endpoint, 401 without a token, 403 for a viewer on admin actions."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from openapi_spec_validator import validate

from sitewarden.results import utcnow
from sitewarden.secrets import MASK, redact
from sitewarden.store.commands import take_commands
from sitewarden.store.sites import site_definition
from tests.fixtures.web import LiveWeb

API = "/api/v1"


def call(live: LiveWeb, method: str, path: str, token: str | None = "admin", **kwargs: Any) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if token == "admin":
        headers["Authorization"] = f"Bearer {live.admin_token}"
    elif token == "viewer":
        headers["Authorization"] = f"Bearer {live.viewer_token}"
    elif token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, live.url + API + path, headers=headers, timeout=10, allow_redirects=False, **kwargs)


SHOP_DEFINITION = {
    "name": "api-shop",
    "url": "http://127.0.0.1:9/",
    "groups": ["api"],
    "secret": "s3cr3t-value",
    "checks": [{"kind": "http", "name": "web"}],
}

READS = [
    "/sites",
    "/sites/shop",
    "/sites/shop/maintenance",
    "/checks",
    "/checks/{id}",
    "/checks/{id}/results",
    "/checks/{id}/history",
    "/states",
    "/results",
    "/events",
    "/heartbeats",
    "/me",
    "/openapi.json",
    "/sites/shop/inventory",
    "/verdicts",
    "/verdict?product=typo3&version=12.4.10",
    "/advisories",
    "/extensions",
    "/reports/sla?month=2026-11",
]
ADMIN_ACTIONS = [
    ("POST", "/sites"),
    ("PUT", "/sites/api-shop"),
    ("DELETE", "/sites/api-shop"),
    ("POST", "/sites/api-shop/checks"),
    ("PUT", "/sites/api-shop/checks/web"),
    ("DELETE", "/sites/api-shop/checks/web"),
    ("POST", "/sites/shop/maintenance"),
    ("DELETE", "/maintenance/1"),
    ("POST", "/checks/{id}/run"),
    ("POST", "/checks/{id}/pause"),
    ("POST", "/checks/{id}/resume"),
    ("POST", "/checks/{id}/acknowledge"),
]


def test_every_read_needs_a_token_and_answers_a_viewer(live_web: LiveWeb) -> None:
    check_id = live_web.check_ids["shop/web"]
    for path in READS:
        path = path.format(id=check_id)
        anonymous = call(live_web, "GET", path, token=None)
        assert anonymous.status_code == 401, path
        assert anonymous.json()["error"].startswith("authentication required")
        assert call(live_web, "GET", path, token="swt_wrong").status_code == 401, path
        assert call(live_web, "GET", path, token="viewer").status_code == 200, path


def test_admin_actions_are_refused_without_a_token_and_for_a_viewer(live_web: LiveWeb) -> None:
    check_id = live_web.check_ids["shop/web"]
    for method, path in ADMIN_ACTIONS:
        path = path.format(id=check_id)
        assert call(live_web, method, path, token=None, json={}).status_code == 401, (method, path)
        refused = call(live_web, method, path, token="viewer", json=SHOP_DEFINITION)
        assert refused.status_code == 403, (method, path)
        assert refused.json() == {"error": "this needs the admin role", "status": 403}


def test_sites_are_listed_worst_first_with_counts_and_filters(live_web: LiveWeb) -> None:
    body = call(live_web, "GET", "/sites").json()
    assert [site["name"] for site in body["items"]] == ["down-api", "blog", "shop"]
    assert body["counts"]["error"] == 1 and body["counts"]["ok"] == 2 and body["total"] == 3
    down = body["items"][0]
    assert down["status"] == "error" and down["uptime_24h"] == 0.0 and down["uptime_7d"] == 0.0
    assert down["certificate_days"] == 32.0
    grouped = call(live_web, "GET", "/sites", params={"group": "customers", "sort": "name"}).json()
    assert [site["name"] for site in grouped["items"]] == ["blog", "shop"]
    assert call(live_web, "GET", "/sites", params={"q": "SHO"}).json()["total"] == 1
    paged = call(live_web, "GET", "/sites", params={"limit": 2, "offset": 2}).json()
    assert [site["name"] for site in paged["items"]] == ["shop"]
    bad = call(live_web, "GET", "/sites", params={"status": "purple"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]


def test_site_detail_shows_checks_with_states_and_masks_secrets(live_web: LiveWeb) -> None:
    body = call(live_web, "GET", "/sites/shop").json()
    assert body["source"] == "config" and body["pending"] is False
    (check,) = body["checks"]
    assert check["key"] == "shop/web" and check["state"]["status"] == "ok"
    assert check["params"]["token"] == "**********"
    missing = call(live_web, "GET", "/sites/nope")
    assert missing.status_code == 404 and missing.json()["error"] == "no site named 'nope'"


def test_store_sites_are_created_edited_and_deleted_and_the_engine_is_asked_to_reload(live_web: LiveWeb) -> None:
    created = call(live_web, "POST", "/sites", json=SHOP_DEFINITION)
    assert created.status_code == 201, created.text
    assert created.json()["secret"] == "**********" and "s3cr3t-value" not in created.text
    assert call(live_web, "POST", "/sites", json=SHOP_DEFINITION).status_code == 409
    shown = call(live_web, "GET", "/sites/api-shop").json()
    assert shown["pending"] is True and shown["source"] == "api"
    added = call(live_web, "POST", "/sites/api-shop/checks", json={"kind": "http", "name": "health", "keyword": "ok"})
    assert added.status_code == 201, added.text
    assert [c["name"] for c in added.json()["checks"]] == ["web", "health"]
    replaced = call(live_web, "PUT", "/sites/api-shop/checks/health", json={"kind": "http", "keyword": "fine"})
    assert replaced.status_code == 200, replaced.text
    assert call(live_web, "DELETE", "/sites/api-shop/checks/health").status_code == 204
    assert call(live_web, "DELETE", "/sites/api-shop/checks/health").status_code == 404
    with live_web.database.transaction() as connection:
        stored = site_definition(connection, "api-shop")
        commands = take_commands(connection, "test", utcnow())
    assert stored is not None and stored["secret"] == "s3cr3t-value"
    assert "s3cr3t-value" not in call(live_web, "GET", "/sites/api-shop").text
    assert [check["name"] for check in stored["checks"]] == ["web"]
    assert {command.action for command in commands} == {"reload"}
    assert call(live_web, "DELETE", "/sites/api-shop").status_code == 204
    assert call(live_web, "GET", "/sites/api-shop").status_code == 404


def test_a_site_created_or_replaced_through_the_api_has_its_secrets_registered(live_web: LiveWeb) -> None:
    created, replaced = f"Created-{uuid.uuid4().hex}", f"Replaced-{uuid.uuid4().hex}"
    assert call(live_web, "POST", "/sites", json={**SHOP_DEFINITION, "secret": created}).status_code == 201
    assert redact(replaced) == replaced
    assert call(live_web, "PUT", "/sites/api-shop", json={**SHOP_DEFINITION, "secret": replaced}).status_code == 200
    assert redact(f"{created} {replaced}") == f"{MASK} {MASK}"


def test_config_sites_are_read_only_in_the_api(live_web: LiveWeb) -> None:
    for method, path, body in [
        ("PUT", "/sites/shop", {"name": "shop", "url": "http://127.0.0.1:9/"}),
        ("DELETE", "/sites/shop", None),
        ("POST", "/sites/shop/checks", {"kind": "http"}),
        ("POST", "/sites", {"name": "shop", "url": "http://127.0.0.1:9/"}),
    ]:
        answer = call(live_web, method, path, json=body)
        assert answer.status_code == 409, (method, path, answer.text)
        assert "config file" in answer.json()["error"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "x", "url": "ftp://nowhere"}, "url: "),
        ({"name": "x", "url": "http://127.0.0.1/", "colour": "red"}, "colour"),
        ({"name": "x", "url": "http://127.0.0.1/", "secret": "${HOME}"}, "secret: ${ENV} references can only"),
        ({"url": "http://127.0.0.1/"}, "name: a site needs a name"),
        (
            {"name": "x", "url": "http://127.0.0.1/", "checks": [{"kind": "command", "command": ["true"]}]},
            "checks[0].kind: a check of kind 'command' can only be defined in the config file",
        ),
        (
            {"name": "x", "url": "http://127.0.0.1/", "checks": [{"kind": "ssh", "user": "u", "command": "true"}]},
            "checks[0].kind: a check of kind 'ssh' can only be defined in the config file",
        ),
    ],
)
def test_invalid_site_definitions_are_422_with_the_path(live_web: LiveWeb, body: dict[str, Any], message: str) -> None:
    answer = call(live_web, "POST", "/sites", json=body)
    assert answer.status_code == 422
    assert message in answer.json()["error"]
    assert "literal-password" not in answer.text


def test_non_json_bodies_are_400(live_web: LiveWeb) -> None:
    answer = call(live_web, "POST", "/sites", data=b"{not json", headers={"content-type": "application/json"})
    assert answer.status_code == 400 and answer.json()["error"] == "the request body is not valid JSON"
    assert call(live_web, "POST", "/sites", json=[1, 2]).status_code == 400


def test_checks_states_results_and_history_are_paged_and_filtered(live_web: LiveWeb) -> None:
    check_id = live_web.check_ids["down-api/web"]
    checks = call(live_web, "GET", "/checks", params={"status": "error"}).json()
    assert [item["key"] for item in checks["items"]] == ["down-api/web"] and checks["total"] == 1
    assert checks["items"][0]["state"]["class"] == "http_status"
    states = call(live_web, "GET", "/states", params={"site": "shop"}).json()
    assert states["items"][0]["key"] == "shop/web" and states["items"][0]["status"] == "ok"
    assert states["items"][0]["class"] is None
    first = call(live_web, "GET", f"/checks/{check_id}/results", params={"limit": 10}).json()
    assert len(first["items"]) == 10 and first["next_before_id"] == first["items"][-1]["id"]
    assert first["items"][0]["status"] == "error" and first["items"][0]["metrics"][0]["name"] == "days_left"
    assert first["items"][0]["class"] == "http_status"
    rest = call(live_web, "GET", f"/checks/{check_id}/results", params={"before_id": first["next_before_id"]}).json()
    assert len(rest["items"]) == 14 and rest["next_before_id"] is None
    since = first["items"][2]["started_at"]
    ranged = call(live_web, "GET", "/results", params={"check_id": check_id, "since": since}).json()
    assert len(ranged["items"]) == 3
    assert call(live_web, "GET", "/results", params={"since": "yesterday"}).status_code == 400
    history = call(live_web, "GET", f"/checks/{check_id}/history", params={"range": "7d"}).json()
    assert len(history["buckets"]) == 28 and sum(b["error"] for b in history["buckets"]) == 24
    assert call(live_web, "GET", "/checks/999999").status_code == 404


def test_run_pause_resume_and_acknowledge_queue_engine_commands(live_web: LiveWeb) -> None:
    check_id = live_web.check_ids["shop/web"]
    for action, queued in [
        ("run", "run_now"),
        ("pause", "pause"),
        ("resume", "resume"),
        ("acknowledge", "acknowledge"),
    ]:
        answer = call(live_web, "POST", f"/checks/{check_id}/{action}")
        assert answer.status_code == 202 and answer.json()["action"] == queued
    with live_web.database.transaction() as connection:
        commands = take_commands(connection, "test", utcnow())
    assert [(c.check_key, c.action, c.requested_by) for c in commands] == [
        ("shop/web", "run_now", "alice"),
        ("shop/web", "pause", "alice"),
        ("shop/web", "resume", "alice"),
        ("shop/web", "acknowledge", "alice"),
    ]


def test_maintenance_windows_are_added_listed_and_deleted(live_web: LiveWeb) -> None:
    created = call(live_web, "POST", "/sites/shop/maintenance", json={"duration": "2h", "reason": "upgrade"})
    assert created.status_code == 201, created.text
    listed = call(live_web, "GET", "/sites/shop/maintenance").json()["items"]
    assert [(w["reason"], w["created_by"]) for w in listed] == [("upgrade", "alice")]
    assert call(live_web, "POST", "/sites/shop/maintenance", json={"duration": "soon"}).status_code == 422
    assert call(live_web, "DELETE", f"/maintenance/{created.json()['id']}").status_code == 204
    assert call(live_web, "DELETE", f"/maintenance/{created.json()['id']}").status_code == 404


def test_events_heartbeats_and_me(live_web: LiveWeb) -> None:
    events = call(live_web, "GET", "/events", params={"severity": "error", "limit": 5}).json()
    assert events["items"] == [] and events["next_before_id"] is None
    assert call(live_web, "GET", "/heartbeats").json() == {"items": []}
    assert call(live_web, "GET", "/me", token="viewer").json() == {"name": "victor", "role": "viewer"}


def test_openapi_document_validates_and_covers_every_api_route(live_web: LiveWeb) -> None:
    document = call(live_web, "GET", "/openapi.json").json()
    validate(document)
    documented = set(document["paths"])
    from sitewarden.web.api.routes import api_mount

    served = {str(getattr(route, "path", "")).replace("{id:id}", "{id}") for route in api_mount().routes}
    assert served - {"/openapi.json"} == documented


def test_verdict_judges_any_version_and_needs_product_and_version(live_web: LiveWeb) -> None:
    answer = call(live_web, "GET", "/verdict", token="viewer", params={"product": "ter:in_house", "version": "1.0.0"})
    assert answer.status_code == 200
    data = answer.json()
    assert (data["product"], data["version"], data["verdict"], data["upgrade"]) == (
        "ter:in_house",
        "1.0.0",
        "unknown",
        "none",
    )
    missing = call(live_web, "GET", "/verdict", token="viewer", params={"product": "typo3"})
    assert missing.status_code == 400 and "version" in missing.json()["error"]
    params = {"product": "typo3", "version": "13.4.33", "date": "2026-08-10"}
    dated = call(live_web, "GET", "/verdict", token="viewer", params=params)
    assert dated.status_code == 200 and dated.json()["as_of"] == "2026-08-10"
    wrong = call(live_web, "GET", "/verdict", token="viewer", params={**params, "date": "yesterday"})
    assert wrong.status_code == 400 and "not a date" in wrong.json()["error"]


def test_acknowledge_can_mark_the_outage_as_planned_work(live_web: LiveWeb) -> None:
    check_id = live_web.check_ids["shop/web"]
    body = {"planned": True, "reason": "PHP 8.3 upgrade"}
    assert call(live_web, "POST", f"/checks/{check_id}/acknowledge", json=body).status_code == 202
    for wrong, message in [
        ({"planned": "yes"}, 'expected {"planned": true|false'),
        ({"planned": True}, "planned work needs a reason"),
        ([1], "the request body must be a JSON object"),
    ]:
        refused = call(live_web, "POST", f"/checks/{check_id}/acknowledge", json=wrong)
        assert refused.status_code == 400 and refused.json()["error"].startswith(message), refused.text
    with live_web.database.transaction() as connection:
        commands = take_commands(connection, "test", utcnow())
    assert [(c.action, c.planned, c.reason) for c in commands] == [("acknowledge", True, "PHP 8.3 upgrade")]
