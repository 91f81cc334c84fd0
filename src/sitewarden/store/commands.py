"""Commands from the web or CLI to the engine (run now, pause, resume, acknowledge, reload).

A queue in the database, because the web app and the engine are separate processes: the engine takes each
command once, by a conditional update, so two workers never act on the same one.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from sitewarden.store.tables import commands

ACTIONS = ("run_now", "pause", "resume", "acknowledge", "reload")


@dataclass(frozen=True, slots=True)
class Command:
    id: int
    check_key: str
    action: str
    requested_by: str | None
    planned: bool = False
    """An acknowledgement that marks the outage as planned work (left out of SLA figures)."""
    reason: str = ""


def request_command(
    connection: Connection,
    check_key: str,
    action: str,
    now: datetime,
    requested_by: str | None = None,
    *,
    planned: bool = False,
    reason: str = "",
) -> int:
    """Queue a command for the engine; `check_key` is `site/check`, or `*` for `reload`.

    `planned` and `reason` go with `acknowledge`: the outage is planned work, left out of SLA figures.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown command '{action}'")
    values = {"check_key": check_key, "action": action, "requested_by": requested_by, "created_at": now}
    outcome = connection.execute(commands.insert().values(**values, planned=planned, reason=reason or None))
    key = outcome.inserted_primary_key
    assert key is not None
    return int(key[0])


def take_commands(
    connection: Connection, worker: str, now: datetime, keys: Container[str] | None = None
) -> list[Command]:
    """Claim untaken commands (for the given check keys, or all); each is returned to exactly one caller."""
    query = select(commands).where(commands.c.taken_at.is_(None)).order_by(commands.c.id).limit(500)
    taken = []
    for row in connection.execute(query).all():
        if keys is not None and row.check_key not in keys and row.check_key != "*":
            continue
        claimed = connection.execute(
            update(commands)
            .where(commands.c.id == row.id, commands.c.taken_at.is_(None))
            .values(taken_at=now, taken_by=worker)
        )
        if claimed.rowcount:
            taken.append(
                Command(row.id, row.check_key, row.action, row.requested_by, bool(row.planned), row.reason or "")
            )
    return taken


def request_commands(
    connection: Connection, check_keys: list[str], action: str, now: datetime, requested_by: str | None = None
) -> None:
    """Queue one command per check in one statement (bulk actions); the engine takes them as single ones."""
    if action not in ACTIONS:
        raise ValueError(f"unknown command '{action}'")
    if check_keys:
        rows = [
            {"check_key": key, "action": action, "requested_by": requested_by, "created_at": now} for key in check_keys
        ]
        connection.execute(commands.insert(), rows)
