"""Who is asking: a Bearer token, a server-side session named by a signed cookie, or demo mode; plus security
headers on every answer.

Pages, the API, /metrics and /health need a user; only the login form, static assets, public status pages and
the heartbeat ping URLs are open. A signed-out browser is sent to the login form, an API client gets 401 JSON.
A token authenticates the machine paths only (JSON API, /metrics, /health): no page or form accepts one, and no
answer to a token request carries a session cookie, so a token can never mint a session or another token.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sitewarden.results import utcnow
from sitewarden.store.sessions import session_user
from sitewarden.store.users import User, token_user
from sitewarden.web.auth.sessions import COOKIE, CSRF_HEADER, csrf_matches, new_session
from sitewarden.web.context import DEMO_USER, WebContext

OPEN_PREFIXES = ("/login", "/static/", "/status/", "/favicon.ico")
MACHINE_PREFIXES = ("/api/", "/metrics", "/health")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


class AuthMiddleware:
    """Sets `request.state.principal` and `request.state.session`; refuses what needs a user it does not have."""

    def __init__(self, app: ASGIApp, context: WebContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        path = request.url.path
        cookie_value = request.cookies.get(COOKIE)
        session = self.context.codec.decode(cookie_value)
        fresh = session is None
        if session is None:
            session = new_session()
        machine = path.startswith(MACHINE_PREFIXES)
        if request.headers.get("authorization") and not machine and not self._is_open(path):
            await _json(_with_headers(send, None), 401, "API tokens are accepted by /api/, /metrics and /health only")
            return
        user, via = await self._identify(request, session)
        if via == "none" and "sid" in session:  # ended, expired or its user gone: start over signed out
            session, fresh = new_session(), True
        state = scope.setdefault("state", {})
        state.update(principal=user, session=session, via=via)
        is_open = self._is_open(path)
        wants_cookie = fresh and via != "token" and (not is_open or path.startswith("/login"))
        send = _with_headers(send, self._cookie(session) if wants_cookie else None)
        if is_open:
            await self.app(scope, receive, send)
            return
        if user is None:
            if machine or request.headers.get("authorization"):
                await _json(send, 401, "authentication required: send Authorization: Bearer <token>", bearer=True)
            else:
                target = path + (f"?{request.url.query}" if request.url.query else "")
                await _redirect(send, f"/login?next={quote(target, safe='')}")
            return
        unsafe = machine and via == "session" and request.method in UNSAFE
        if unsafe and not csrf_matches(session, request.headers.get(CSRF_HEADER)):
            await _json(send, 403, "missing or wrong X-CSRF-Token header for a request made with a session")
            return
        await self.app(scope, receive, send)

    async def _identify(self, request: Request, session: dict[str, Any]) -> tuple[User | None, str]:
        header = request.headers.get("authorization", "")
        if header and request.url.path.startswith(MACHINE_PREFIXES):
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return None, "none"
            return await self.context.read(token_user, token.strip(), utcnow()), "token"
        if isinstance(session.get("sid"), str):
            settings = self.context.settings
            user = await self.context.read(
                session_user, session["sid"], utcnow(), settings.session_idle, settings.session_lifetime
            )
            if user is not None:
                return user, "session"
        if self.context.demo:
            return DEMO_USER, "session"
        return None, "none"

    def _is_open(self, path: str) -> bool:
        return path.startswith(OPEN_PREFIXES) or any(path.startswith(prefix) for prefix in self.context.public_paths)

    def _cookie(self, session: dict[str, Any]) -> str:
        return session_cookie(self.context, self.context.codec.encode(session))


def session_cookie(context: WebContext, value: str, *, clear: bool = False) -> str:
    """A Set-Cookie header value: HttpOnly, SameSite=Lax, Secure when configured, expiring with the session."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[COOKIE] = "" if clear else value
    morsel = cookie[COOKIE]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    morsel["max-age"] = 0 if clear else int(context.settings.session_lifetime)
    if context.settings.secure_cookies:
        morsel["secure"] = True
    return morsel.OutputString()


def _with_headers(send: Send, cookie: str | None) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                if name not in headers:
                    headers[name] = value
            if cookie is not None and "set-cookie" not in headers:
                headers.append("set-cookie", cookie)
        await send(message)

    return wrapped


async def _json(send: Send, status: int, message: str, *, bearer: bool = False) -> None:
    body = json.dumps({"error": message, "status": status}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if bearer:
        headers.append((b"www-authenticate", b'Bearer realm="sitewarden"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Send, location: str) -> None:
    headers = [(b"location", location.encode()), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
