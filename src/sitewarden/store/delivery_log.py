"""Read model of notification deliveries for the events page and /metrics: recent ones, states, failures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from sitewarden.store.tables import deliveries, delivery_attempts, notify_groups

FAILED_STATES = ("failed",)


def recent_deliveries(
    connection: Connection, *, limit: int = 50, failed_only: bool = False, before_id: int | None = None
) -> list[dict[str, Any]]:
    """Deliveries newest first, with their group's size and time; `failed_only` keeps those that gave up."""
    query = (
        select(
            deliveries.c.id,
            deliveries.c.target,
            deliveries.c.handler_kind,
            deliveries.c.state,
            deliveries.c.attempts,
            deliveries.c.next_attempt_at,
            deliveries.c.finished_at,
            deliveries.c.last_error,
            notify_groups.c["items"],
            notify_groups.c.created_at,
        )
        .select_from(deliveries.outerjoin(notify_groups, notify_groups.c.id == deliveries.c.group_id))
        .order_by(deliveries.c.id.desc())
        .limit(limit)
    )
    if failed_only:
        query = query.where(deliveries.c.state.in_(FAILED_STATES))
    if before_id is not None:
        query = query.where(deliveries.c.id < before_id)
    return [dict(row._mapping) for row in connection.execute(query)]


def delivery_states(connection: Connection) -> dict[str, int]:
    """How many deliveries are pending, sending, sent or failed."""
    query = select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
    return {str(state): int(number) for state, number in connection.execute(query)}


def failed_attempts(connection: Connection) -> dict[str, int]:
    """Failed delivery attempts per handler kind, from the attempt records (only ever grows: a counter)."""
    query = (
        select(deliveries.c.handler_kind, func.count())
        .select_from(delivery_attempts.join(deliveries, deliveries.c.id == delivery_attempts.c.delivery_id))
        .where(delivery_attempts.c.ok.is_(False))
        .group_by(deliveries.c.handler_kind)
    )
    return {str(kind): int(number) for kind, number in connection.execute(query)}
