"""What `sitewarden user sessions` and `user role` do: see and end a user's logins, change a role (which ends them)."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection

from sitewarden.config.models import Config
from sitewarden.errors import NotFound
from sitewarden.results import utcnow
from sitewarden.store.audit import AuditEntry, record_audit
from sitewarden.store.database import open_database
from sitewarden.store.sessions import WebSession, end_user_sessions, list_sessions
from sitewarden.store.users import set_role, user_by_name

T = TypeVar("T")


def _in_store(config: Config, work: Callable[[Connection], T]) -> T:
    database = open_database(config.store.url)
    try:
        with database.transaction() as connection:
            return work(connection)
    finally:
        database.close()


def cli_actor() -> str:
    """Who acts from the command line: the operating-system user, as the audit log names them."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def audit_cli(connection: Connection, action: str, target: str, **detail: object) -> None:
    """Record an admin action taken on the command line."""
    record_audit(connection, AuditEntry(cli_actor(), "local", action, target, utcnow(), dict(detail)))


def sessions_of(config: Config, name: str) -> list[WebSession]:
    def work(connection: Connection) -> list[WebSession]:
        if user_by_name(connection, name) is None:
            raise NotFound(f"no user named '{name}'")
        return list_sessions(connection, name)

    return _in_store(config, work)


def revoke_sessions(config: Config, name: str) -> int:
    """End every session of a user; their open browsers are signed out at their next request."""

    def work(connection: Connection) -> int:
        if user_by_name(connection, name) is None:
            raise NotFound(f"no user named '{name}'")
        ended = end_user_sessions(connection, name)
        audit_cli(connection, "user.sessions_revoke", name, sessions=ended)
        return ended

    return _in_store(config, work)


def change_role(config: Config, name: str, role: str) -> None:
    def work(connection: Connection) -> None:
        set_role(connection, name, role)
        audit_cli(connection, "user.role", name, role=role)

    _in_store(config, work)
