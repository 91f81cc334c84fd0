"""Heartbeats and their pings: a uuid per heartbeat check, pings recorded by the web endpoint, facts for the probe."""

from __future__ import annotations

import asyncio
import uuid as uuid_module
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from sitewarden.errors import StoreError
from sitewarden.store.check_states import check_state_rows
from sitewarden.store.database import Database
from sitewarden.store.tables import heartbeat_pings, heartbeats

PING_KINDS = ("start", "success", "fail")
MAX_BODY = 10 * 1024
KEEP_PINGS = 100  # per heartbeat; older pings are deleted as new ones arrive
HEARTBEAT_KEYS = (
    "id", "key", "name", "params", "site", "hard_status", "last_status", "last_summary", "last_result_at", "paused",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class HeartbeatSpec:
    """A heartbeat check as the config has it; `uuid` None means "make one up the first time"."""

    check_key: str
    uuid: str | None
    period: float
    grace: float


@dataclass(frozen=True, slots=True)
class HeartbeatFacts:
    """What the heartbeat probe judges: when pings of each kind last came, and whether a run is going on."""

    uuid: str
    check_key: str
    period: float
    grace: float
    created_at: datetime
    last_ping_at: datetime | None = None
    last_kind: str | None = None
    last_success_at: datetime | None = None
    last_fail_at: datetime | None = None
    running_since: datetime | None = None
    last_duration_s: float | None = None
    last_body: str = ""

    @property
    def ping_path(self) -> str:
        return f"/ping/{self.uuid}"


def sync_heartbeats(connection: Connection, specs: Iterable[HeartbeatSpec], now: datetime) -> dict[str, str]:
    """Give every heartbeat check a row: the configured uuid, else the stored one, else a new random one.

    Returns check key → uuid.
    """
    rows = {row.check_key: row for row in connection.execute(select(heartbeats))}
    by_uuid = {row.uuid: row.check_key for row in rows.values()}
    uuids: dict[str, str] = {}
    for spec in specs:
        wanted = str(uuid_module.UUID(spec.uuid)) if spec.uuid else None
        owner = by_uuid.get(wanted) if wanted else None
        if owner is not None and owner != spec.check_key:
            connection.execute(delete(heartbeats).where(heartbeats.c.check_key == owner))
            rows.pop(owner, None)
        row = rows.get(spec.check_key)
        values = {"period_s": spec.period, "grace_s": spec.grace, "updated_at": now}
        if row is None:
            chosen = wanted or str(uuid_module.uuid4())
            connection.execute(
                heartbeats.insert().values(check_key=spec.check_key, uuid=chosen, created_at=now, **values)
            )
        else:
            chosen = wanted or row.uuid
            connection.execute(update(heartbeats).where(heartbeats.c.id == row.id).values(uuid=chosen, **values))
        by_uuid[chosen] = spec.check_key
        uuids[spec.check_key] = chosen
    return uuids


def record_ping(
    connection: Connection,
    uuid: str,
    kind: str,
    now: datetime,
    *,
    method: str = "GET",
    remote: str | None = None,
    body: str = "",
) -> bool:
    """Store one ping (body cut to 10 KiB); a success or fail after a start gets the run's duration.

    Returns False when no heartbeat has this uuid.
    """
    if kind not in PING_KINDS:
        raise StoreError(f"unknown ping kind '{kind}'")
    heartbeat_id = connection.scalar(select(heartbeats.c.id).where(heartbeats.c.uuid == uuid))
    if heartbeat_id is None:
        return False
    duration = None
    if kind != "start":
        previous = connection.execute(
            select(heartbeat_pings.c.kind, heartbeat_pings.c.received_at)
            .where(heartbeat_pings.c.heartbeat_id == heartbeat_id)
            .order_by(heartbeat_pings.c.id.desc())
            .limit(1)
        ).first()
        if previous is not None and previous.kind == "start":
            duration = max((now - previous.received_at).total_seconds(), 0.0)
    connection.execute(
        heartbeat_pings.insert().values(
            heartbeat_id=heartbeat_id,
            kind=kind,
            received_at=now,
            method=method[:10],
            remote=(remote or "")[:100] or None,
            body=body[:MAX_BODY],
            duration_s=duration,
        )
    )
    _prune(connection, heartbeat_id)
    return True


def heartbeat_facts(connection: Connection, check_key: str) -> HeartbeatFacts | None:
    row = connection.execute(select(heartbeats).where(heartbeats.c.check_key == check_key)).first()
    return _facts(connection, row) if row is not None else None


def list_heartbeats(connection: Connection) -> list[HeartbeatFacts]:
    rows = connection.execute(select(heartbeats).order_by(heartbeats.c.check_key)).all()
    return [_facts(connection, row) for row in rows]


class HeartbeatReader:
    """What the heartbeat probe gets through `ProbeContext.services["heartbeats"]`: reads off the event loop."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def facts(self, check_key: str) -> HeartbeatFacts | None:
        def read() -> HeartbeatFacts | None:
            with self.database.transaction() as connection:
                return heartbeat_facts(connection, check_key)

        return await asyncio.to_thread(read)


def _facts(connection: Connection, row: Any) -> HeartbeatFacts:
    pings = connection.execute(
        select(heartbeat_pings)
        .where(heartbeat_pings.c.heartbeat_id == row.id)
        .order_by(heartbeat_pings.c.id.desc())
        .limit(KEEP_PINGS)
    ).all()
    last = pings[0] if pings else None
    last_success = next((ping for ping in pings if ping.kind == "success"), None)
    last_fail = next((ping for ping in pings if ping.kind == "fail"), None)
    finished = next((ping for ping in pings if ping.kind != "start"), None)
    return HeartbeatFacts(
        uuid=row.uuid,
        check_key=row.check_key,
        period=row.period_s,
        grace=row.grace_s,
        created_at=row.created_at,
        last_ping_at=last.received_at if last else None,
        last_kind=last.kind if last else None,
        last_success_at=last_success.received_at if last_success else None,
        last_fail_at=last_fail.received_at if last_fail else None,
        running_since=last.received_at if last is not None and last.kind == "start" else None,
        last_duration_s=finished.duration_s if finished is not None else None,
        last_body=last.body if last else "",
    )


def _prune(connection: Connection, heartbeat_id: int) -> None:
    cutoff = connection.scalar(
        select(heartbeat_pings.c.id)
        .where(heartbeat_pings.c.heartbeat_id == heartbeat_id)
        .order_by(heartbeat_pings.c.id.desc())
        .offset(KEEP_PINGS)
        .limit(1)
    )
    if cutoff is not None:
        connection.execute(
            delete(heartbeat_pings).where(
                heartbeat_pings.c.heartbeat_id == heartbeat_id, heartbeat_pings.c.id <= cutoff
            )
        )


def heartbeat_lines(connection: Connection, now: datetime) -> list[dict[str, str]]:
    """One row of text per heartbeat for `sitewarden heartbeats`: check, ping path, last ping."""
    rows = []
    for facts in list_heartbeats(connection):
        if facts.last_ping_at is None:
            last = "never"
        else:
            seconds = max(int((now - facts.last_ping_at).total_seconds()), 0)
            last = f"{facts.last_kind} {_age(seconds)} ago ({facts.last_ping_at:%Y-%m-%d %H:%M} UTC)"
        rows.append({"check": facts.check_key, "ping": facts.ping_path, "last ping": last})
    return rows


def _age(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def heartbeat_rows(connection: Connection, kinds: Sequence[str]) -> list[dict[str, Any]]:
    """Active checks of these kinds (those that accept pushes) with site, state and last ping, for page and API."""
    facts = {beat.check_key: beat for beat in list_heartbeats(connection)}
    rows = []
    for row in check_state_rows(connection, kinds=kinds):
        item = {key: row[key] for key in HEARTBEAT_KEYS}
        beat = facts.get(item["key"])
        item["uuid"] = beat.uuid if beat is not None else None
        item["last_ping_at"] = beat.last_ping_at if beat is not None else None
        item["last_kind"] = beat.last_kind if beat is not None else None
        item["last_duration_s"] = beat.last_duration_s if beat is not None else None
        rows.append(item)
    return rows
