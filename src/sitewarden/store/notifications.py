"""Notification bookkeeping: routing cursor, routed events, groups, deliveries and attempts, open alerts.

Every step that two workers could take at once is claimed by a conditional update (`... WHERE state = <old>`);
a lost claim raises ClaimLost so the caller's transaction rolls back and nothing is sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from sitewarden.errors import StoreError
from sitewarden.events.model import Event, Severity
from sitewarden.store.events import row_to_event
from sitewarden.store.tables import (
    alerts,
    deliveries,
    delivery_attempts,
    events,
    notifications,
    notify_cursors,
    notify_groups,
    report_runs,
)


class ClaimLost(Exception):
    """Another worker took this row first; roll back and move on."""


def lost_race(error: StoreError) -> bool:
    """Whether a failed transaction only lost a race (a unique key another worker inserted first)."""
    return isinstance(error.__cause__, IntegrityError)


@dataclass(slots=True)
class Alert:
    """A target's view of one channel's problem: open or not, notified or held back, reminders sent."""

    target: str
    channel: str
    site: str | None
    is_open: bool
    severity: Severity
    event_id: int
    opened_at: datetime
    notified: bool = False
    last_notified_at: datetime | None = None
    reminders: int = 0
    version: int = 0
    id: int | None = None


@dataclass(frozen=True, slots=True)
class NewNotification:
    """One event (or reminder of one) routed to a target, waiting to be grouped."""

    dedupe: str
    target: str
    event_id: int
    notice: str
    channel: str
    severity: Severity
    state: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message of a group to one handler of its target."""

    id: int
    group_id: int
    target: str
    handler_index: int
    handler_kind: str
    state: str
    attempts: int
    next_attempt_at: datetime


def read_cursor(connection: Connection, name: str = "default") -> int:
    value = connection.scalar(select(notify_cursors.c.last_event_id).where(notify_cursors.c.name == name))
    if value is None:
        newest = connection.scalar(select(func.coalesce(func.max(events.c.id), 0)))
        connection.execute(insert(notify_cursors).values(name=name, last_event_id=int(newest or 0), updated_at=_now()))
        return int(newest or 0)
    return int(value)


def advance_cursor(connection: Connection, old: int, new: int, now: datetime, name: str = "default") -> None:
    outcome = connection.execute(
        update(notify_cursors)
        .where(notify_cursors.c.name == name, notify_cursors.c.last_event_id == old)
        .values(last_event_id=new, updated_at=now)
    )
    if outcome.rowcount != 1:
        raise ClaimLost("routing cursor moved")


def load_alerts(connection: Connection, targets: list[str], channels: set[str]) -> dict[tuple[str, str], Alert]:
    if not targets or not channels:
        return {}
    query = select(alerts).where(alerts.c.target.in_(targets), alerts.c.channel.in_(sorted(channels)))
    return {(row.target, row.channel): _alert(row) for row in connection.execute(query)}


def open_alerts(connection: Connection, target: str) -> list[Alert]:
    query = select(alerts).where(alerts.c.target == target, alerts.c.is_open.is_(True)).order_by(alerts.c.id)
    return [_alert(row) for row in connection.execute(query)]


def save_alert(connection: Connection, alert: Alert) -> None:
    """Insert a new alert or update one at the version it was read with; a concurrent change raises ClaimLost."""
    values = {
        "target": alert.target,
        "channel": alert.channel,
        "site": alert.site,
        "is_open": alert.is_open,
        "severity": int(alert.severity),
        "event_id": alert.event_id,
        "opened_at": alert.opened_at,
        "notified": alert.notified,
        "last_notified_at": alert.last_notified_at,
        "reminders": alert.reminders,
        "version": alert.version + 1,
    }
    if alert.id is None:
        key = connection.execute(insert(alerts).values(values)).inserted_primary_key
        assert key is not None
        alert.id = int(key[0])
    else:
        outcome = connection.execute(
            update(alerts).where(alerts.c.id == alert.id, alerts.c.version == alert.version).values(values)
        )
        if outcome.rowcount != 1:
            raise ClaimLost(f"alert {alert.id} changed")
    alert.version += 1


def insert_notifications(connection: Connection, rows: list[NewNotification], now: datetime) -> int:
    """Store routed events; a dedupe key seen before is skipped (an event reaches a target once). Returns new rows."""
    if not rows:
        return 0
    keys = [row.dedupe for row in rows]
    seen = set(connection.scalars(select(notifications.c.dedupe).where(notifications.c.dedupe.in_(keys))))
    fresh = [row for row in rows if row.dedupe not in seen]
    if fresh:
        connection.execute(
            insert(notifications),
            [
                {
                    "dedupe": row.dedupe,
                    "target": row.target,
                    "event_id": row.event_id,
                    "notice": row.notice,
                    "channel": row.channel,
                    "severity": int(row.severity),
                    "state": row.state,
                    "due_at": row.due_at,
                    "created_at": now,
                }
                for row in fresh
            ],
        )
    return len(fresh)


def pending_targets(connection: Connection, now: datetime | None) -> list[str]:
    """Targets with a group ready to send: its oldest waiting notification is due (or all, when now is None)."""
    query = select(notifications.c.target).where(notifications.c.state == "pending").distinct()
    if now is not None:
        query = query.where(notifications.c.due_at <= now)
    return sorted(connection.scalars(query))


def pending_notifications(connection: Connection, target: str, limit: int = 5000) -> list[tuple[int, Severity]]:
    query = (
        select(notifications.c.id, notifications.c.severity)
        .where(notifications.c.target == target, notifications.c.state == "pending")
        .order_by(notifications.c.id)
        .limit(limit)
    )
    return [(row.id, Severity(row.severity)) for row in connection.execute(query)]


def claim_group(connection: Connection, target: str, ids: list[int], now: datetime) -> int:
    """Make one group of the given waiting notifications; raises ClaimLost if another worker took any."""
    key = connection.execute(
        insert(notify_groups).values(target=target, items=len(ids), created_at=now)
    ).inserted_primary_key
    assert key is not None
    group_id = int(key[0])
    outcome = connection.execute(
        update(notifications)
        .where(notifications.c.id.in_(ids), notifications.c.state == "pending")
        .values(state="grouped", group_id=group_id)
    )
    if outcome.rowcount != len(ids):
        raise ClaimLost(f"notifications of target {target} were grouped elsewhere")
    return group_id


def insert_deliveries(
    connection: Connection, group_id: int, target: str, handlers: list[tuple[int, str]], now: datetime
) -> None:
    if handlers:
        connection.execute(
            insert(deliveries),
            [
                {
                    "group_id": group_id,
                    "target": target,
                    "handler_index": index,
                    "handler_kind": kind,
                    "state": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                }
                for index, kind in handlers
            ],
        )


def queue_report(connection: Connection, target: str, now: datetime) -> int:
    """One report in the outbox: an empty group and one email delivery under `target`; returns the delivery id."""
    key = connection.execute(insert(notify_groups).values(target=target, items=0, created_at=now)).inserted_primary_key
    assert key is not None
    row = {
        "group_id": int(key[0]),
        "target": target,
        "handler_index": 0,
        "handler_kind": "email",
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": now,
    }
    delivery = connection.execute(insert(deliveries).values(**row)).inserted_primary_key
    assert delivery is not None
    return int(delivery[0])


def deliveries_by_id(connection: Connection, ids: list[int]) -> list[Delivery]:
    """Pending deliveries among `ids`, in id order (a report's first attempt, made right after queueing it)."""
    query = select(deliveries).where(deliveries.c.id.in_(ids), deliveries.c.state == "pending")
    return [_delivery(row) for row in connection.execute(query.order_by(deliveries.c.id))]


def delivery_outcomes(connection: Connection, ids: list[int]) -> list[tuple[str, str | None]]:
    """State and last error of each delivery among `ids`, in id order."""
    query = select(deliveries.c.state, deliveries.c.last_error).where(deliveries.c.id.in_(ids))
    return [(row.state, row.last_error) for row in connection.execute(query.order_by(deliveries.c.id))]


def due_deliveries(connection: Connection, now: datetime | None, limit: int = 100) -> list[Delivery]:
    query = select(deliveries).where(deliveries.c.state == "pending").order_by(deliveries.c.id).limit(limit)
    if now is not None:
        query = query.where(deliveries.c.next_attempt_at <= now)
    return [_delivery(row) for row in connection.execute(query)]


def next_attempt_at(connection: Connection) -> datetime | None:
    value: datetime | None = connection.scalar(
        select(func.min(deliveries.c.next_attempt_at)).where(deliveries.c.state == "pending")
    )
    return value


def claim_delivery(connection: Connection, delivery: Delivery, worker: str, now: datetime) -> int:
    """Take a delivery for one attempt and write the attempt record before the send; returns the attempt id."""
    outcome = connection.execute(
        update(deliveries)
        .where(
            deliveries.c.id == delivery.id,
            deliveries.c.state == "pending",
            deliveries.c.attempts == delivery.attempts,
        )
        .values(state="sending", attempts=delivery.attempts + 1, claimed_by=worker, claimed_at=now)
    )
    if outcome.rowcount != 1:
        raise ClaimLost(f"delivery {delivery.id} was taken elsewhere")
    key = connection.execute(
        insert(delivery_attempts).values(
            delivery_id=delivery.id, number=delivery.attempts + 1, worker=worker, started_at=now
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def finish_attempt(
    connection: Connection,
    delivery_id: int,
    attempt_id: int,
    *,
    state: str,
    error: str | None,
    duration_ms: float,
    now: datetime,
    next_at: datetime | None = None,
) -> None:
    """Complete the attempt record and move the delivery to sent, failed or pending (a retry at `next_at`)."""
    connection.execute(
        update(delivery_attempts)
        .where(delivery_attempts.c.id == attempt_id)
        .values(finished_at=now, ok=error is None, error=error, duration_ms=duration_ms)
    )
    values: dict[str, Any] = {"state": state, "last_error": error}
    if state == "pending":
        values["next_attempt_at"] = next_at or now
    else:
        values["finished_at"] = now
    connection.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(values))


def stale_deliveries(connection: Connection, before: datetime) -> list[Delivery]:
    """Deliveries left `sending` by a worker that stopped mid-send."""
    query = select(deliveries).where(deliveries.c.state == "sending", deliveries.c.claimed_at < before)
    return [_delivery(row) for row in connection.execute(query)]


def fail_stale(connection: Connection, delivery: Delivery, error: str, now: datetime) -> None:
    outcome = connection.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery.id, deliveries.c.state == "sending")
        .values(state="failed", last_error=error, finished_at=now)
    )
    if outcome.rowcount != 1:
        raise ClaimLost(f"delivery {delivery.id} finished elsewhere")


def group_items(connection: Connection, group_id: int) -> list[tuple[str, Severity, Event]]:
    """The notifications of a group with their events, oldest first: (notice, severity, event)."""
    query = (
        select(notifications.c.notice, notifications.c.severity.label("level"), events)
        .select_from(notifications.join(events, events.c.id == notifications.c.event_id))
        .where(notifications.c.group_id == group_id)
        .order_by(notifications.c.id)
    )
    return [(row.notice, Severity(row.level), row_to_event(row)) for row in connection.execute(query)]


def last_report_run(connection: Connection, name: str) -> datetime | None:
    return connection.scalar(select(report_runs.c.last_run_at).where(report_runs.c.name == name))


def claim_report_run(connection: Connection, name: str, previous: datetime | None, now: datetime) -> None:
    """Record that a scheduled report is being sent; raises ClaimLost if another worker recorded it first."""
    if previous is None:
        connection.execute(insert(report_runs).values(name=name, last_run_at=now))
        return
    outcome = connection.execute(
        update(report_runs)
        .where(report_runs.c.name == name, report_runs.c.last_run_at == previous)
        .values(last_run_at=now)
    )
    if outcome.rowcount != 1:
        raise ClaimLost(f"report {name} was sent elsewhere")


def _alert(row: Any) -> Alert:
    return Alert(
        target=row.target,
        channel=row.channel,
        site=row.site,
        is_open=row.is_open,
        severity=Severity(row.severity),
        event_id=row.event_id,
        opened_at=row.opened_at,
        notified=row.notified,
        last_notified_at=row.last_notified_at,
        reminders=row.reminders,
        version=row.version,
        id=row.id,
    )


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        group_id=row.group_id,
        target=row.target,
        handler_index=row.handler_index,
        handler_kind=row.handler_kind,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
    )


def _now() -> datetime:
    from sitewarden.results import utcnow

    return utcnow()
