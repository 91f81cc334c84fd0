"""What `sitewarden user ...` and `sitewarden token ...` do: accounts and API tokens in the configured store."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection

from sitewarden.app.database import store_session
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
    return _in_store(config, lambda c: add_user(c, name, password_hash, "admin" if admin else "viewer", utcnow()))


def change_password(config: Config, name: str, password: str) -> None:
    password_hash = hash_password(password)
    _in_store(config, lambda c: set_password(c, name, password_hash))


def remove_account(config: Config, name: str) -> None:
    _in_store(config, lambda c: delete_user(c, name))


def accounts(config: Config) -> list[User]:
    return _in_store(config, list_users)


def new_token(config: Config, user: str, name: str) -> str:
    return _in_store(config, lambda c: create_token(c, user, name, utcnow()))


def tokens(config: Config, user: str | None = None) -> list[ApiToken]:
    return _in_store(config, lambda c: list_tokens(c, user))


def drop_token(config: Config, token_id: int) -> None:
    _in_store(config, lambda c: revoke_token(c, token_id))
