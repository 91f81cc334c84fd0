"""Attacks on a running dashboard (issue 14): revoked sessions stay revoked, identities are never reused, tokens
open the JSON API only, one address cannot lock everyone out, hostile ids and dates are client errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, update

from sitewarden.results import utcnow
from sitewarden.store.tables import events, web_sessions
from sitewarden.web.app import create_app
from sitewarden.web.auth.sessions import COOKIE
from sitewarden.web.settings import WebSettings
from tests.fixtures.web import ADMIN_PASSWORD, VIEWER_PASSWORD, LiveWeb, csrf_of, logged_in, run_uvicorn
from tests.test_cli import sitewarden

HUGE = "99999999999999999999"


def copy_of(browser: requests.Session) -> requests.Session:
    """Another browser holding a copy of the first one's session cookie (a stolen cookie)."""
    thief = requests.Session()
    thief.cookies.set(COOKIE, browser.cookies.get(COOKIE))
    return thief


def signed_in(live: LiveWeb, browser: requests.Session) -> bool:
    return browser.get(live.url + "/", allow_redirects=False, timeout=10).status_code == 200


def cli(live: LiveWeb, tmp_path: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    """`sitewarden ARGS` against the dashboard's store, as its operator would run it."""
    config = tmp_path / "cli.yaml"
    config.write_text(f'store: {{url: "{live.database.engine.url.render_as_string(hide_password=False)}"}}\n')
    if stdin is None:
        code, out, err = asyncio.run(sitewarden(*args, "-c", str(config)))
        return code, out + err
    import subprocess
    import sys

    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "sitewarden", *args, "-c", str(config)],
        input=stdin, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def test_logout_ends_the_session_for_a_copied_cookie(live_web: LiveWeb) -> None:
    browser = logged_in(live_web)
    thief = copy_of(browser)
    assert signed_in(live_web, thief)
    page = browser.get(live_web.url + "/", timeout=10)
    browser.post(live_web.url + "/logout", data={"csrf_token": csrf_of(page.text)}, allow_redirects=False)
    assert not signed_in(live_web, thief)


def test_password_change_role_change_and_revoke_end_sessions(live_web: LiveWeb, tmp_path: Path) -> None:
    for change in (
        ("user", "password", "victor", "--password-stdin"),
        ("user", "role", "victor", "admin"),
        ("user", "sessions", "victor", "--revoke"),
    ):
        browser = logged_in(live_web, "victor", VIEWER_PASSWORD)
        thief = copy_of(browser)
        code, output = cli(live_web, tmp_path, *change, stdin=VIEWER_PASSWORD + "\n")
        assert code == 0, output
        assert not signed_in(live_web, thief), change
        assert not signed_in(live_web, browser), change


def test_user_sessions_lists_address_and_browser(live_web: LiveWeb, tmp_path: Path) -> None:
    browser = logged_in(live_web, "victor", VIEWER_PASSWORD)
    browser.headers["User-Agent"] = "Curious/1.0"
    code, output = cli(live_web, tmp_path, "user", "sessions", "victor")
    assert code == 0 and "127.0.0.1" in output, output
    code, output = cli(live_web, tmp_path, "user", "sessions", "nobody")
    assert code != 0 and "no user named 'nobody'" in output


def test_a_deleted_users_cookie_does_not_become_the_next_new_user(live_web: LiveWeb, tmp_path: Path) -> None:
    old_viewer = logged_in(live_web, "victor", VIEWER_PASSWORD)
    stolen = copy_of(old_viewer)
    assert cli(live_web, tmp_path, "user", "delete", "victor")[0] == 0
    code, output = cli(live_web, tmp_path, "user", "add", "mallory", "--admin", "--password-stdin", stdin="m" * 12)
    assert code == 0, output
    answer = stolen.get(live_web.url + "/tokens", allow_redirects=False, timeout=10)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_idle_and_too_old_sessions_end(live_web: LiveWeb) -> None:
    for column, age in (("last_seen_at", timedelta(hours=3)), ("created_at", timedelta(hours=13))):
        browser = logged_in(live_web)
        with live_web.database.transaction() as connection:
            connection.execute(update(web_sessions).values({column: utcnow() - age}))
        assert not signed_in(live_web, browser), column


def test_a_token_opens_the_api_only_and_never_mints_a_session_or_token(live_web: LiveWeb) -> None:
    bearer = {"Authorization": f"Bearer {live_web.admin_token}"}
    for method, path in (("GET", "/tokens"), ("POST", "/tokens"), ("GET", "/"), ("POST", "/checks/1/pause")):
        answer = requests.request(method, live_web.url + path, headers=bearer, allow_redirects=False, timeout=10)
        assert answer.status_code == 401, (method, path)
        assert "set-cookie" not in answer.headers, (method, path)
    api = requests.get(live_web.url + "/api/v1/me", headers=bearer, timeout=10)
    assert api.status_code == 200 and "set-cookie" not in api.headers


def wrong_login(url: str, name: str, password: str = "wrong-password-1", **headers: str) -> int:
    browser = requests.Session()
    form = browser.get(url + "/login", headers=headers, timeout=10)
    answer = browser.post(
        url + "/login",
        data={"name": name, "password": password, "csrf_token": csrf_of(form.text), "next": "/"},
        headers=headers,
        allow_redirects=False,
        timeout=10,
    )
    return answer.status_code


def test_failed_logins_for_one_user_do_not_lock_out_the_others(live_web: LiveWeb) -> None:
    codes = [wrong_login(live_web.url, "alice") for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    assert wrong_login(live_web.url, "alice", ADMIN_PASSWORD, **{"X-Forwarded-For": "10.9.9.9"}) == 429
    assert wrong_login(live_web.url, "victor", VIEWER_PASSWORD) == 303
    with live_web.database.transaction() as connection:
        found = connection.execute(select(events.c.type, events.c.channel, events.c.payload)).all()
    failures = [row for row in found if row.type == "security" and row.channel == "web.login"]
    assert len(failures) == 5 and failures[0].payload == {"user": "alice", "address": "127.0.0.1"}


@pytest.fixture
def behind_proxy(live_web: LiveWeb) -> Iterator[str]:
    """The same store served by a second app that trusts X-Forwarded-For from loopback (a reverse proxy)."""
    settings = WebSettings.model_validate({"trusted_proxies": ["127.0.0.0/8"]})
    server, thread, url = run_uvicorn(create_app(live_web.database, settings))
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(10)


def test_behind_a_trusted_proxy_throttling_follows_the_forwarded_address(behind_proxy: str) -> None:
    attacker, user = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.2"}
    assert [wrong_login(behind_proxy, "alice", **attacker) for _ in range(6)][-1] == 429
    assert wrong_login(behind_proxy, "alice", ADMIN_PASSWORD, **user) == 303


def test_hostile_ids_are_client_errors_without_a_logged_traceback(
    live_web: LiveWeb, caplog: pytest.LogCaptureFixture
) -> None:
    bearer = {"Authorization": f"Bearer {live_web.admin_token}"}
    browser = logged_in(live_web)
    csrf = csrf_of(browser.get(live_web.url + "/tokens", timeout=10).text)
    with caplog.at_level(logging.ERROR):
        for method, path in (
            ("GET", f"/api/v1/checks/{HUGE}"),
            ("GET", f"/api/v1/checks/{HUGE}/results"),
            ("POST", f"/api/v1/checks/{HUGE}/run"),
            ("DELETE", f"/api/v1/maintenance/{HUGE}"),
            ("GET", f"/api/v1/results?check_id={HUGE}"),
            ("GET", f"/api/v1/events?before_id={HUGE}"),
        ):
            answer = requests.request(method, live_web.url + path, headers=bearer, timeout=10)
            assert 400 <= answer.status_code < 500, (path, answer.status_code)
        for path in (f"/checks/{HUGE}/pause", f"/tokens/{HUGE}/revoke", f"/sites/shop/maintenance/{HUGE}/delete"):
            answer = browser.post(live_web.url + path, data={"csrf_token": csrf}, allow_redirects=False, timeout=10)
            assert answer.status_code == 404, path
        assert browser.get(live_web.url + f"/events?before={HUGE}", timeout=10).status_code == 200
        assert browser.get(live_web.url + "/events?before=\u0661\u0662", timeout=10).status_code == 200
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []


def test_a_maintenance_start_is_honoured_or_refused_naming_the_field(live_web: LiveWeb) -> None:
    bearer = {"Authorization": f"Bearer {live_web.admin_token}"}
    url = live_web.url + "/api/v1/sites/shop/maintenance"
    bad = requests.post(url, json={"duration": "1h", "starts_at": "next tuesday"}, headers=bearer, timeout=10)
    assert bad.status_code == 422 and bad.json()["error"].startswith("starts_at: ")
    start = (utcnow() + timedelta(days=30)).replace(microsecond=0)
    good = requests.post(url, json={"duration": "1h", "starts_at": start.isoformat()}, headers=bearer, timeout=10)
    assert good.status_code == 201 and good.json()["starts_at"] == start.isoformat()
    browser = logged_in(live_web)
    csrf = csrf_of(browser.get(live_web.url + "/sites/shop", timeout=10).text)
    form = {"csrf_token": csrf, "duration": "1h", "starts_at": "soon"}
    answer = browser.post(live_web.url + "/sites/shop/maintenance", data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 422 and "starts_at" in answer.text


def test_admin_actions_are_in_the_audit_log_for_admins_only(live_web: LiveWeb) -> None:
    bearer = {"Authorization": f"Bearer {live_web.admin_token}"}
    site = {"name": "audited", "url": "http://127.0.0.1:9/"}
    assert requests.post(live_web.url + "/api/v1/sites", json=site, headers=bearer, timeout=10).status_code == 201
    window = {"duration": "1h", "reason": "upgrade"}
    requests.post(live_web.url + "/api/v1/sites/shop/maintenance", json=window, headers=bearer, timeout=10)
    entries = requests.get(live_web.url + "/api/v1/audit", headers=bearer, timeout=10).json()["items"]
    assert [(e["action"], e["target"], e["actor"], e["address"]) for e in entries] == [
        ("maintenance.create", "shop", "alice", "127.0.0.1"),
        ("site.create", "audited", "alice", "127.0.0.1"),
    ]
    viewer = {"Authorization": f"Bearer {live_web.viewer_token}"}
    assert requests.get(live_web.url + "/api/v1/audit", headers=viewer, timeout=10).status_code == 403
    page = logged_in(live_web).get(live_web.url + "/audit", timeout=10)
    assert page.status_code == 200 and "site.create" in page.text and "audited" in page.text
    viewer_page = logged_in(live_web, "victor", VIEWER_PASSWORD).get(live_web.url + "/audit", timeout=10)
    assert viewer_page.status_code == 403
