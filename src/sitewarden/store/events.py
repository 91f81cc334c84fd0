"""Stored events: every family writes its events here; routing reads them in id order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from sitewarden.events.model import Event, EventType, Severity
from sitewarden.store.tables import events


def insert_events(connection: Connection, batch: list[Event]) -> list[int]:
    """Store events (in the caller's transaction) and set their ids; a repeated dedupe_key is skipped.

    Events without a dedupe key go in runs, one executemany each (a fleet's first results are one state change
    per check); the ids come back in the order of the rows.
    """
    ids: list[int] = []
    run: list[Event] = []
    for event in batch:
        if event.dedupe_key is None:
            run.append(event)
            continue
        ids.extend(_insert(connection, run))
        run = []
        existing = connection.scalar(select(events.c.id).where(events.c.dedupe_key == event.dedupe_key))
        if existing is not None:
            event.id = int(existing)
            continue
        ids.extend(_insert(connection, [event]))
    ids.extend(_insert(connection, run))
    return ids


_INSERT = events.insert().returning(events.c.id, sort_by_parameter_order=True)


def _insert(connection: Connection, batch: list[Event]) -> list[int]:
    if not batch:
        return []
    rows = [
        {
            "type": event.type.value,
            "severity": int(event.severity),
            "channel": event.channel,
            "message": event.message[:2000],
            "payload": event.payload,
            "site": event.site,
            "check_name": event.check,
            "created_at": event.created_at,
            "dedupe_key": event.dedupe_key,
        }
        for event in batch
    ]
    found = connection.execute(_INSERT, rows).scalars().all()
    for event, event_id in zip(batch, found, strict=True):
        event.id = int(event_id)
    return [int(event_id) for event_id in found]


def events_after(connection: Connection, after_id: int, limit: int = 1000) -> list[Event]:
    """Events with an id above `after_id`, oldest first: the routing cursor's read."""
    query = select(events).where(events.c.id > after_id).order_by(events.c.id).limit(limit)
    return [row_to_event(row) for row in connection.execute(query)]


def recent_events(
    connection: Connection,
    *,
    limit: int = 100,
    site: str | None = None,
    types: list[str] | None = None,
    min_severity: Severity | None = None,
    before_id: int | None = None,
    channel: str | None = None,
) -> list[Event]:
    """Newest first; `channel` is one channel, or a prefix when it ends in `*` (`site.shop.*`)."""
    query = select(events).order_by(events.c.id.desc()).limit(limit)
    if site is not None:
        query = query.where(events.c.site == site)
    if channel is not None:
        prefix = channel.removesuffix("*")
        query = query.where(
            events.c.channel.startswith(prefix, autoescape=True) if prefix != channel else events.c.channel == channel
        )
    if types:
        query = query.where(events.c.type.in_(types))
    if min_severity is not None:
        query = query.where(events.c.severity >= int(min_severity))
    if before_id is not None:
        query = query.where(events.c.id < before_id)
    return [row_to_event(row) for row in connection.execute(query)]


def row_to_event(row: Any) -> Event:
    return Event(
        type=EventType(row.type),
        severity=Severity(row.severity),
        channel=row.channel,
        message=row.message,
        payload=dict(row.payload or {}),
        site=row.site,
        check=row.check_name,
        created_at=row.created_at,
        id=row.id,
        dedupe_key=row.dedupe_key,
    )
