"""Hourly rollups of results, kept long after raw results are pruned: counts per status and durations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, tuple_

from sitewarden.results import Result, Status
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
    keys = list(buckets)
    existing = {
        (row.check_id, _naive_utc(row.bucket)): row
        for row in connection.execute(
            select(rollups).where(
                rollups.c.period == "hour",
                tuple_(rollups.c.check_id, rollups.c.bucket).in_([(check_id, bucket) for check_id, bucket in keys]),
            )
        )
    }
    inserts = []
    for (check_id, bucket_start), values in buckets.items():
        row = existing.get((check_id, _naive_utc(bucket_start)))
        if row is None:
            inserts.append({"check_id": check_id, "period": "hour", "bucket": bucket_start, **values})
            continue
        merged = {
            "count": row.count + values["count"],
            "ok": row.ok + values["ok"],
            "warning": row.warning + values["warning"],
            "error": row.error + values["error"],
            "unknown": row.unknown + values["unknown"],
            "duration_sum": row.duration_sum + values["duration_sum"],
            "duration_min": min(row.duration_min, values["duration_min"]),
            "duration_max": max(row.duration_max, values["duration_max"]),
        }
        connection.execute(
            rollups.update()
            .where(rollups.c.check_id == check_id, rollups.c.period == "hour", rollups.c.bucket == bucket_start)
            .values(**merged)
        )
    if inserts:
        connection.execute(rollups.insert(), inserts)


def rollup_rows(connection: Connection, check_id: int, since: datetime) -> list[dict[str, Any]]:
    query = (
        select(rollups)
        .where(rollups.c.check_id == check_id, rollups.c.period == "hour", rollups.c.bucket >= since)
        .order_by(rollups.c.bucket)
    )
    return [dict(row._mapping) for row in connection.execute(query)]


def prune_rollups(connection: Connection, before: datetime) -> int:
    outcome = connection.execute(delete(rollups).where(rollups.c.bucket < before))
    return int(outcome.rowcount or 0)


def _naive_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)
