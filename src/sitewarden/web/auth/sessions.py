"""Signed session cookies with an expiry, and the CSRF token each session carries.

The cookie holds the CSRF token and, once signed in, the token of a server-side session (store/sessions.py):
the user is looked up on every request, so ending the session row ends the login wherever the cookie went.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "sitewarden_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SessionCodec:
    """Turns a session dict into a signed, timestamped cookie value and back (None once expired or forged)."""

    def __init__(self, secret: str, lifetime: float) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="sitewarden.session")
        self.lifetime = lifetime

    def encode(self, session: dict[str, Any]) -> str:
        return self._serializer.dumps(session)

    def decode(self, value: str | None) -> dict[str, Any] | None:
        if not value:
            return None
        try:
            data = self._serializer.loads(value, max_age=int(self.lifetime))
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None


def new_session(session_token: str | None = None) -> dict[str, Any]:
    """A fresh session with its own CSRF token (a new one at each login, so a planted cookie is useless)."""
    session: dict[str, Any] = {"csrf": secrets.token_urlsafe(24)}
    if session_token is not None:
        session["sid"] = session_token
    return session


def csrf_matches(session: dict[str, Any], offered: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and offered) and hmac.compare_digest(str(expected), str(offered))
