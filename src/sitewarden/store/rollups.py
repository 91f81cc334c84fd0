"""Hourly rollups of results, kept long after raw results are pruned: counts per status and durations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, case, delete, func, select

from sitewarden.results import Result, Status
from sitewarden.store.batches import chunked
from sitewarden.store.database import upsert_statement
from sitewarden.store.tables import checks, rollups

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


UptimeCounts = tuple[tuple[int, int], ...]
"""(results up, results) over each span asked for, in the order asked."""


def uptime_by_check(
    connection: Connection, check_ids: list[int], now: datetime, spans: Sequence[timedelta]
) -> dict[int, UptimeCounts]:
    """Results up (ok or warning) and results per check over each span, one grouped query per chunk of ids.

    A span of 24 h counts the current hour's bucket and the 23 before it, so the figure moves with each result.
    """
    found: dict[int, UptimeCounts] = {}
    for chunk in chunked(check_ids):
        query = _uptime_query(rollups.c.check_id, now, spans).where(rollups.c.check_id.in_(chunk))
        found.update(_uptime_rows(connection.execute(query.group_by(rollups.c.check_id))))
    return found


def uptime_by_site(
    connection: Connection, site_ids: list[int], now: datetime, spans: Sequence[timedelta]
) -> dict[int, UptimeCounts]:
    """The same counts summed over each site's active checks: one grouped rollup query for a page of sites.

    The checks are looked up first (by their site index) so the rollups are read by check id, their unique index:
    a join lets SQLite scan every rollup of the period instead, 100 times slower at 10,000 sites.
    """
    site_of: dict[int, int] = {}
    for chunk in chunked(site_ids):
        query = select(checks.c.id, checks.c.site_id).where(checks.c.site_id.in_(chunk), checks.c.active.is_(True))
        site_of.update({int(check_id): int(site_id) for check_id, site_id in connection.execute(query)})
    sums: dict[int, list[list[int]]] = {}
    for check_id, counts in uptime_by_check(connection, list(site_of), now, spans).items():
        total = sums.setdefault(site_of[check_id], [[0, 0] for _ in spans])
        for index, (up, count) in enumerate(counts):
            total[index][0] += up
            total[index][1] += count
    return {site_id: tuple((up, count) for up, count in total) for site_id, total in sums.items()}


def _uptime_query(key: Any, now: datetime, spans: Sequence[timedelta]) -> Any:
    current = hour_bucket(now)
    starts = [current - span + timedelta(hours=1) for span in spans]
    up = rollups.c.ok + rollups.c.warning
    columns = [key]
    for start in starts:
        columns.append(func.sum(case((rollups.c.bucket >= start, up), else_=0)))
        columns.append(func.sum(case((rollups.c.bucket >= start, rollups.c.count), else_=0)))
    return select(*columns).where(rollups.c.period == "hour", rollups.c.bucket >= min(starts))


def _uptime_rows(rows: Any) -> dict[int, UptimeCounts]:
    found: dict[int, UptimeCounts] = {}
    for row in rows:
        sums = [int(value or 0) for value in row[1:]]
        found[int(row[0])] = tuple((sums[index], sums[index + 1]) for index in range(0, len(sums), 2))
    return found


def prune_rollups(connection: Connection, before: datetime) -> int:
    outcome = connection.execute(delete(rollups).where(rollups.c.bucket < before))
    return int(outcome.rowcount or 0)
