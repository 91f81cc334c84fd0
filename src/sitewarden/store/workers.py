"""The engine's live figures (lag, queue sizes, runs), published for /metrics and the dashboard."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from sitewarden.store.tables import workers


def publish_stats(
    connection: Connection, name: str, started_at: datetime, stats: dict[str, Any], now: datetime
) -> None:
    outcome = connection.execute(update(workers).where(workers.c.name == name).values(stats=stats, updated_at=now))
    if not outcome.rowcount:
        connection.execute(workers.insert().values(name=name, started_at=started_at, updated_at=now, stats=stats))


def worker_stats(connection: Connection) -> list[dict[str, Any]]:
    """Every worker's last published figures with `name`, `started_at` and `updated_at`."""
    rows = connection.execute(select(workers).order_by(workers.c.name))
    return [{"name": row.name, "started_at": row.started_at, "updated_at": row.updated_at, **row.stats} for row in rows]


def round_trip_ms(connection: Connection) -> float:
    """How long a trivial query takes, in milliseconds: the store's answer time for /health."""
    started = time.perf_counter()
    connection.execute(select(1)).scalar()
    return (time.perf_counter() - started) * 1000
