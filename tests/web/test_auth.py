"""Login, sessions, CSRF, roles, rate limits and security headers, through a live server."""

from __future__ import annotations

import re

import pytest
import requests

from sitewarden.errors import AuthError
from sitewarden.results import utcnow
from sitewarden.store.database import open_database
from sitewarden.store.users import add_user
from sitewarden.web.auth.sessions import COOKIE, SessionCodec
from sitewarden.web.server import is_loopback, refuse_open_bind
from tests.fixtures.web import ADMIN_PASSWORD, VIEWER_PASSWORD, LiveWeb, csrf_of, logged_in


def test_pages_send_a_signed_out_browser_to_the_login_form(live_web: LiveWeb) -> None:
    answer = requests.get(live_web.url + "/sites/shop?range=7d", allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fsites%2Fshop%3Frange%3D7d"


def test_login_with_the_right_password_opens_the_overview_and_logout_closes_it(live_web: LiveWeb) -> None:
    browser = logged_in(live_web)
    cookie = browser.cookies.get(COOKIE)
    assert cookie and ADMIN_PASSWORD not in cookie
    overview = browser.get(live_web.url + "/", timeout=10)
    assert overview.status_code == 200 and "down-api" in overview.text and "alice (admin)" in overview.text
    out = browser.post(live_web.url + "/logout", data={"csrf_token": csrf_of(overview.text)}, allow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert browser.get(live_web.url + "/", allow_redirects=False, timeout=10).status_code == 303


def test_wrong_password_is_refused_without_saying_whether_the_name_exists(live_web: LiveWeb) -> None:
    texts = []
    for name in ("alice", "nobody"):
        browser = requests.Session()
        form = browser.get(live_web.url + "/login", timeout=10)
        answer = browser.post(
            live_web.url + "/login",
            data={"name": name, "password": "wrong-password", "csrf_token": csrf_of(form.text)},
            timeout=10,
        )
        assert answer.status_code == 401
        texts.append(re.search(r'role="alert">([^<]+)<', answer.text).group(1))  # type: ignore[union-attr]
    assert texts == ["wrong name or password", "wrong name or password"]


def test_login_attempts_are_rate_limited_per_name(live_web: LiveWeb) -> None:
    browser = requests.Session()
    token = csrf_of(browser.get(live_web.url + "/login", timeout=10).text)
    codes = [
        browser.post(
            live_web.url + "/login", data={"name": "victor", "password": "guess", "csrf_token": token}, timeout=10
        ).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [429]
    right = browser.post(
        live_web.url + "/login", data={"name": "victor", "password": VIEWER_PASSWORD, "csrf_token": token}, timeout=10
    )
    assert right.status_code == 429 and "too many failed logins" in right.text


def test_a_form_without_its_csrf_token_is_refused(live_web: LiveWeb) -> None:
    browser = logged_in(live_web)
    check_id = live_web.check_ids["shop/web"]
    answer = browser.post(live_web.url + f"/checks/{check_id}/run_now", data={}, allow_redirects=False, timeout=10)
    assert answer.status_code == 403
    login = requests.post(live_web.url + "/login", data={"name": "alice", "password": ADMIN_PASSWORD}, timeout=10)
    assert login.status_code == 403


def test_api_calls_made_with_a_session_need_the_csrf_header(live_web: LiveWeb) -> None:
    browser = logged_in(live_web)
    check_id = live_web.check_ids["shop/web"]
    token = csrf_of(browser.get(live_web.url + "/", timeout=10).text)
    refused = browser.post(live_web.url + f"/api/v1/checks/{check_id}/run", timeout=10)
    assert refused.status_code == 403
    accepted = browser.post(live_web.url + f"/api/v1/checks/{check_id}/run", headers={"X-CSRF-Token": token})
    assert accepted.status_code == 202


def test_a_viewer_sees_pages_but_cannot_act(live_web: LiveWeb) -> None:
    browser = logged_in(live_web, "victor", VIEWER_PASSWORD)
    page = browser.get(live_web.url + "/sites/shop", timeout=10)
    assert page.status_code == 200 and 'data-action="run_now"' not in page.text
    check_id = live_web.check_ids["shop/web"]
    answer = browser.post(
        live_web.url + f"/checks/{check_id}/run_now", data={"csrf_token": csrf_of(page.text)}, timeout=10
    )
    assert answer.status_code == 403 and "admin role" in answer.text


def test_a_forged_or_expired_session_cookie_is_ignored(live_web: LiveWeb) -> None:
    forged = SessionCodec("not-the-key", 3600).encode({"uid": 1, "csrf": "x"})
    answer = requests.get(live_web.url + "/", cookies={COOKIE: forged}, allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    expired = SessionCodec("key", -1)
    assert expired.decode(expired.encode({"uid": 1})) is None


def test_every_answer_carries_the_security_headers(live_web: LiveWeb) -> None:
    for path in ("/login", "/status/customers", "/api/v1/sites", "/static/app.css"):
        headers = requests.get(live_web.url + path, timeout=10).headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert "'unsafe-inline'" not in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    cookie = requests.get(live_web.url + "/login", timeout=10).headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_have_no_inline_scripts_or_styles(live_web: LiveWeb) -> None:
    browser = logged_in(live_web)
    for path in ("/", "/sites/shop", "/events", "/tokens", "/login", "/status/customers"):
        html = browser.get(live_web.url + path, timeout=10).text
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None, path
        assert " style=" not in html and "<style" not in html, path
        assert re.search(r"\son[a-z]+=", html) is None, path


def test_open_redirects_after_login_are_refused(live_web: LiveWeb) -> None:
    browser = requests.Session()
    token = csrf_of(browser.get(live_web.url + "/login", timeout=10).text)
    answer = browser.post(
        live_web.url + "/login",
        data={"name": "alice", "password": ADMIN_PASSWORD, "csrf_token": token, "next": "//evil.example/"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.headers["location"] == "/"


def test_serve_refuses_a_public_address_until_a_user_exists(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    try:
        refuse_open_bind(database, "127.0.0.1")
        with pytest.raises(AuthError, match="refusing to listen on 0.0.0.0 while no user exists"):
            refuse_open_bind(database, "0.0.0.0")
        with database.transaction() as connection:
            add_user(connection, "root", "hash", "admin", utcnow())
        refuse_open_bind(database, "0.0.0.0")
    finally:
        database.close()
    assert is_loopback("::1") and is_loopback("localhost") and not is_loopback("example.org")
