"""What `sitewarden user ...` and `sitewarden token ...` do: accounts and API tokens in the configured store."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection

from sitewarden.app.database import store_session
from sitewarden.app.user_sessions import audit_cli
from sitewarden.config.models import Config
from sitewarden.passwords import hash_password
from sitewarden.results import utcnow
from sitewarden.store.users import (
    ApiToken,
    User,
    add_user,
    create_token,
    delete_user,
    list_tokens,
    list_users,
    revoke_token,
    set_password,
)

T = TypeVar("T")


def _in_store(config: Config, work: Callable[[Connection], T]) -> T:
    with store_session(config.store.url) as connection:
        return work(connection)


def add_account(config: Config, name: str, password: str, *, admin: bool) -> User:
    """A new local user (viewer, or admin with --admin); the password is stored as an argon2 hash only."""
    password_hash = hash_password(password)
    role = "admin" if admin else "viewer"

    def work(connection: Connection) -> User:
        user = add_user(connection, name, password_hash, role, utcnow())
        audit_cli(connection, "user.create", name, role=role)
        return user

    return _in_store(config, work)


def change_password(config: Config, name: str, password: str) -> None:
    """A new password; every session of the user ends."""
    password_hash = hash_password(password)

    def work(connection: Connection) -> None:
        set_password(connection, name, password_hash)
        audit_cli(connection, "user.password", name)

    _in_store(config, work)


def remove_account(config: Config, name: str) -> None:
    def work(connection: Connection) -> None:
        delete_user(connection, name)
        audit_cli(connection, "user.delete", name)

    _in_store(config, work)


def accounts(config: Config) -> list[User]:
    return _in_store(config, list_users)


def new_token(config: Config, user: str, name: str) -> str:
    def work(connection: Connection) -> str:
        token = create_token(connection, user, name, utcnow())
        audit_cli(connection, "token.create", user, name=name)
        return token

    return _in_store(config, work)


def tokens(config: Config, user: str | None = None) -> list[ApiToken]:
    return _in_store(config, lambda c: list_tokens(c, user))


def drop_token(config: Config, token_id: int) -> None:
    def work(connection: Connection) -> None:
        revoke_token(connection, token_id)
        audit_cli(connection, "token.revoke", str(token_id))

    _in_store(config, work)
