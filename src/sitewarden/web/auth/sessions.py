"""Signed session cookies with an expiry, and the CSRF token each session carries."""

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


def new_session(user_id: int | None = None) -> dict[str, Any]:
    """A fresh session with its own CSRF token (a new one at each login, so a planted cookie is useless)."""
    session: dict[str, Any] = {"csrf": secrets.token_urlsafe(24)}
    if user_id is not None:
        session["uid"] = user_id
    return session


def csrf_matches(session: dict[str, Any], offered: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and offered) and hmac.compare_digest(str(expected), str(offered))
