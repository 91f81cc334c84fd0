"""Hourly rollups of results, kept long after raw results are pruned: counts per status and durations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func

from sitewarden.results import Result, Status
from sitewarden.store.database import upsert_statement
from sitewarden.store.tables import rollups

_STATUS_COLUMNS = {Status.OK: "ok", Status.WARNING: "warning", Status.ERROR: "error", Status.UNKNOWN: "unknown"}


def hour_bucket(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def add_to_rollups(connection: Connection, rows: list[tuple[int, Result]]) -> None:
    """Fold a batch of results into their hourly buckets (read-modify-write inside the writer's transaction)."""
    if not rows:
        return
    buckets: dict[tuple[int, datetime], dict[str, Any]] = {}
    for check_id, result in rows:
        key = (check_id, hour_bucket(result.started_at))
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = {
                "count": 0,
                "ok": 0,
                "warning": 0,
                "error": 0,
                "unknown": 0,
                "duration_sum": 0.0,
                "duration_min": result.duration_ms,
                "duration_max": result.duration_ms,
            }
        bucket["count"] += 1
        bucket[_STATUS_COLUMNS[result.status]] += 1
        bucket["duration_sum"] += result.duration_ms
        bucket["duration_min"] = min(bucket["duration_min"], result.duration_ms)
        bucket["duration_max"] = max(bucket["duration_max"], result.duration_ms)
    rows_out = [
        {"check_id": check_id, "period": "hour", "bucket": bucket_start, **values}
        for (check_id, bucket_start), values in buckets.items()
    ]
    connection.execute(_upsert(connection), rows_out)


def _upsert(connection: Connection) -> Any:
    """One INSERT … ON CONFLICT DO UPDATE that folds new counts into existing buckets (SQLite and PostgreSQL)."""
    dialect = connection.dialect.name
    statement = upsert_statement(connection, rollups)
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[rollups.c.check_id, rollups.c.period, rollups.c.bucket],
        set_={
            "count": rollups.c.count + new.count,
            "ok": rollups.c.ok + new.ok,
            "warning": rollups.c.warning + new.warning,
            "error": rollups.c.error + new.error,
            "unknown": rollups.c.unknown + new.unknown,
            "duration_sum": rollups.c.duration_sum + new.duration_sum,
            "duration_min": func.min(rollups.c.duration_min, new.duration_min)
            if dialect != "postgresql"
            else func.least(rollups.c.duration_min, new.duration_min),
            "duration_max": func.max(rollups.c.duration_max, new.duration_max)
            if dialect != "postgresql"
            else func.greatest(rollups.c.duration_max, new.duration_max),
        },
    )


def prune_rollups(connection: Connection, before: datetime) -> int:
    outcome = connection.execute(delete(rollups).where(rollups.c.bucket < before))
    return int(outcome.rowcount or 0)
