"""Local users, hashed API tokens, failed-login records and the web app's signing keys.

Passwords arrive here already hashed (argon2, in `passwords.py`); tokens are stored as SHA-256 digests,
so a copy of the database gives no way to log in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from sitewarden.errors import NotFound, SitewardenError
from sitewarden.store.tables import api_tokens, login_attempts, users, web_keys, web_sessions

ROLES = ("viewer", "admin")
TOKEN_PREFIX = "swt_"


@dataclass(frozen=True, slots=True)
class User:
    """A local account: name and role; the hash stays in the store module's hands."""

    id: int
    name: str
    role: str
    created_at: datetime
    last_login_at: datetime | None = None
    identity: str = ""
    """Random and never reused: sessions and tokens name it, so a deleted user's cookie cannot become a new user."""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API token as listed: never the token itself, only its first characters."""

    id: int
    user: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


def add_user(connection: Connection, name: str, password_hash: str, role: str, now: datetime) -> User:
    if role not in ROLES:
        raise SitewardenError(f"unknown role '{role}'; use viewer or admin")
    if connection.scalar(select(users.c.id).where(users.c.name == name)) is not None:
        raise SitewardenError(f"a user named '{name}' already exists")
    identity = secrets.token_hex(16)
    outcome = connection.execute(
        users.insert().values(name=name, password_hash=password_hash, role=role, created_at=now, identity=identity)
    )
    key = outcome.inserted_primary_key
    assert key is not None
    return User(int(key[0]), name, role, now, identity=identity)


def set_password(connection: Connection, name: str, password_hash: str) -> None:
    """A new password; the user's sessions end (a copied cookie must not outlive a password change)."""
    outcome = connection.execute(update(users).where(users.c.name == name).values(password_hash=password_hash))
    if not outcome.rowcount:
        raise NotFound(f"no user named '{name}'")
    _end_sessions(connection, name)


def set_role(connection: Connection, name: str, role: str) -> None:
    """A new role; the user's sessions end, so the old role does not linger in an open browser."""
    if role not in ROLES:
        raise SitewardenError(f"unknown role '{role}'; use viewer or admin")
    outcome = connection.execute(update(users).where(users.c.name == name).values(role=role))
    if not outcome.rowcount:
        raise NotFound(f"no user named '{name}'")
    _end_sessions(connection, name)


def delete_user(connection: Connection, name: str) -> None:
    user_id = connection.scalar(select(users.c.id).where(users.c.name == name))
    if user_id is None:
        raise NotFound(f"no user named '{name}'")
    connection.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))
    connection.execute(delete(api_tokens).where(api_tokens.c.user_id == user_id))
    connection.execute(delete(users).where(users.c.id == user_id))


def _end_sessions(connection: Connection, name: str) -> None:
    owner = select(users.c.id).where(users.c.name == name).scalar_subquery()
    connection.execute(delete(web_sessions).where(web_sessions.c.user_id == owner))


def list_users(connection: Connection) -> list[User]:
    return [_user(row) for row in connection.execute(select(users).order_by(users.c.name))]


def count_users(connection: Connection) -> int:
    return int(connection.scalar(select(func.count()).select_from(users)) or 0)


def user_by_name(connection: Connection, name: str) -> User | None:
    row = connection.execute(select(users).where(users.c.name == name)).first()
    return _user(row) if row is not None else None


def credentials(connection: Connection, name: str) -> tuple[User, str] | None:
    """The user and their password hash, for a login check."""
    row = connection.execute(select(users).where(users.c.name == name)).first()
    return (_user(row), row.password_hash) if row is not None else None


def record_login(connection: Connection, user_id: int, now: datetime) -> None:
    connection.execute(update(users).where(users.c.id == user_id).values(last_login_at=now))


def create_token(connection: Connection, user_name: str, name: str, now: datetime) -> str:
    """A new API token for a user; the returned text is shown once and never stored."""
    owner = connection.execute(select(users.c.id, users.c.identity).where(users.c.name == user_name)).first()
    if owner is None:
        raise NotFound(f"no user named '{user_name}'", hint="create one with `sitewarden user add NAME`")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    connection.execute(
        api_tokens.insert().values(
            user_id=owner.id,
            user_identity=owner.identity,
            name=name,
            token_hash=token_digest(token),
            prefix=token[:10],
            created_at=now,
        )
    )
    return token


def token_user(connection: Connection, token: str, now: datetime) -> User | None:
    """The owner of a token (the same identity it was made for), or None; marks it used at most once a minute."""
    row = connection.execute(
        select(api_tokens.c.id.label("token_id"), api_tokens.c.last_used_at, users)
        .join(users, (users.c.id == api_tokens.c.user_id) & (users.c.identity == api_tokens.c.user_identity))
        .where(api_tokens.c.token_hash == token_digest(token))
    ).first()
    if row is None:
        return None
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        connection.execute(update(api_tokens).where(api_tokens.c.id == row.token_id).values(last_used_at=now))
    return _user(row)


def list_tokens(connection: Connection, user_name: str | None = None) -> list[ApiToken]:
    query = (
        select(api_tokens, users.c.name.label("user"))
        .join(users, users.c.id == api_tokens.c.user_id)
        .order_by(users.c.name, api_tokens.c.id)
    )
    if user_name is not None:
        query = query.where(users.c.name == user_name)
    return [
        ApiToken(row.id, row.user, row.name, row.prefix, row.created_at, row.last_used_at)
        for row in connection.execute(query)
    ]


def revoke_token(connection: Connection, token_id: int, user_name: str | None = None) -> None:
    """Delete a token; with `user_name`, only one of that user's."""
    query = delete(api_tokens).where(api_tokens.c.id == token_id)
    if user_name is not None:
        owner = select(users.c.id).where(users.c.name == user_name).scalar_subquery()
        query = query.where(api_tokens.c.user_id == owner)
    if not connection.execute(query).rowcount:
        raise NotFound(f"no API token with id {token_id}")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_failed_login(connection: Connection, subjects: list[str], now: datetime) -> None:
    connection.execute(login_attempts.insert(), [{"subject": s[:300], "attempted_at": now} for s in subjects])


def failed_logins(connection: Connection, subject: str, since: datetime) -> int:
    query = select(func.count()).where(
        login_attempts.c.subject == subject[:300], login_attempts.c.attempted_at >= since
    )
    return int(connection.scalar(query) or 0)


def last_failed_login(connection: Connection, subject: str) -> datetime | None:
    query = (
        select(login_attempts.c.attempted_at)
        .where(login_attempts.c.subject == subject[:300])
        .order_by(login_attempts.c.attempted_at.desc())
        .limit(1)
    )
    found: datetime | None = connection.scalar(query)
    return found


def clear_failed_logins(connection: Connection, subjects: list[str], before: datetime | None = None) -> None:
    """Forget failures of the given subjects (after a good login), or of everyone before a time."""
    query = delete(login_attempts)
    query = query.where(login_attempts.c.subject.in_([s[:300] for s in subjects])) if subjects else query
    if before is not None:
        query = query.where(login_attempts.c.attempted_at < before)
    connection.execute(query)


def web_key(connection: Connection, name: str, now: datetime) -> str:
    """A random key shared by every web process (signing sessions), made on first use."""
    value = connection.scalar(select(web_keys.c.value).where(web_keys.c.name == name))
    if value is not None:
        return str(value)
    connection.execute(web_keys.insert().values(name=name, value=secrets.token_hex(32), created_at=now))
    return str(connection.scalar(select(web_keys.c.value).where(web_keys.c.name == name)))


def user_of(row: Any) -> User:
    """A User from a row that carries the users columns."""
    return _user(row)


def _user(row: Any) -> User:
    return User(row.id, row.name, row.role, row.created_at, row.last_login_at, row.identity)
