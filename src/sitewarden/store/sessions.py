"""Server-side login sessions: a row per signed-in browser, so logout, a password or role change and an admin
can end it. The cookie carries a random token; the row is keyed by its SHA-256 digest, like API tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, or_, select, update

from sitewarden.store.tables import users, web_sessions
from sitewarden.store.users import User, user_of

SEEN_EVERY = 60.0
"""Seconds between writes of a session's last-seen time (every request would be a write per page view)."""


@dataclass(frozen=True, slots=True)
class WebSession:
    """A session as listed: never its token, only the first characters of its digest."""

    id: str
    user: str
    created_at: datetime
    last_seen_at: datetime
    address: str
    user_agent: str


def start_session(connection: Connection, user: User, now: datetime, address: str, user_agent: str) -> str:
    """A new session for a user; the returned token goes into the cookie and is stored only as a digest."""
    token = secrets.token_urlsafe(32)
    connection.execute(
        web_sessions.insert().values(
            id=session_digest(token),
            user_id=user.id,
            user_identity=user.identity,
            created_at=now,
            last_seen_at=now,
            address=address[:100],
            user_agent=user_agent[:300],
        )
    )
    return token


def session_user(connection: Connection, token: str, now: datetime, idle: float, lifetime: float) -> User | None:
    """The user of a live session (same identity, not idle too long, not too old), or None; notes it was seen."""
    digest = session_digest(token)
    row = connection.execute(
        select(web_sessions.c.created_at.label("started"), web_sessions.c.last_seen_at, users)
        .join(users, (users.c.id == web_sessions.c.user_id) & (users.c.identity == web_sessions.c.user_identity))
        .where(web_sessions.c.id == digest)
    ).first()
    if row is None:
        return None
    if now - row.last_seen_at > timedelta(seconds=idle) or now - row.started > timedelta(seconds=lifetime):
        connection.execute(delete(web_sessions).where(web_sessions.c.id == digest))
        return None
    if (now - row.last_seen_at).total_seconds() > SEEN_EVERY:
        connection.execute(update(web_sessions).where(web_sessions.c.id == digest).values(last_seen_at=now))
    return user_of(row)


def end_session(connection: Connection, token: str) -> None:
    connection.execute(delete(web_sessions).where(web_sessions.c.id == session_digest(token)))


def list_sessions(connection: Connection, user_name: str) -> list[WebSession]:
    query = (
        select(web_sessions, users.c.name.label("user"))
        .join(users, users.c.id == web_sessions.c.user_id)
        .where(users.c.name == user_name)
        .order_by(web_sessions.c.last_seen_at.desc())
    )
    return [_session(row) for row in connection.execute(query)]


def end_user_sessions(connection: Connection, user_name: str) -> int:
    """End every session of a user; returns how many there were."""
    owner = select(users.c.id).where(users.c.name == user_name).scalar_subquery()
    return int(connection.execute(delete(web_sessions).where(web_sessions.c.user_id == owner)).rowcount or 0)


def prune_sessions(connection: Connection, now: datetime, idle: float, lifetime: float) -> int:
    """Forget sessions that can no longer be used."""
    query = delete(web_sessions).where(
        or_(
            web_sessions.c.last_seen_at < now - timedelta(seconds=idle),
            web_sessions.c.created_at < now - timedelta(seconds=lifetime),
        )
    )
    return int(connection.execute(query).rowcount or 0)


def session_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _session(row: Any) -> WebSession:
    return WebSession(row.id[:12], row.user, row.created_at, row.last_seen_at, row.address, row.user_agent)
