"""Read model of one site: its checks with states, and their history from the hourly rollups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from sitewarden.store.batches import chunked
from sitewarden.store.check_states import check_state_rows, count_check_states
from sitewarden.store.tables import checks, rollups, sites, states

RANGES = {"24h": (timedelta(hours=24), 1), "7d": (timedelta(days=7), 6), "30d": (timedelta(days=30), 24)}
"""Range name → (span, hours per bucket): 24 hourly, 28 six-hourly or 30 daily buckets."""


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bar of a history chart: counts per status and the mean response time."""

    start: datetime
    count: int
    ok: int
    warning: int
    error: int
    unknown: int
    mean_ms: float | None
    max_ms: float | None

    @property
    def status(self) -> str:
        """The worst status seen in the bucket ('none' when nothing ran)."""
        for name in ("error", "warning", "unknown", "ok"):
            if getattr(self, name):
                return name
        return "none"


def site_row(connection: Connection, name: str) -> dict[str, Any] | None:
    row = connection.execute(select(sites).where(sites.c.name == name)).first()
    return dict(row._mapping) if row is not None else None


def site_checks(connection: Connection, site_id: int | None) -> list[dict[str, Any]]:
    """A site's active checks (or the checks outside any site) with their states, by name."""
    query = (
        select(
            checks.c.id,
            checks.c.key,
            checks.c.name,
            checks.c.kind,
            checks.c.params,
            checks.c.interval_s,
            checks.c.source,
            checks.c.failure_threshold,
            checks.c.success_threshold,
            states.c.hard_status,
            states.c.hard_since,
            states.c.soft_status,
            states.c.attempts,
            states.c.last_status,
            states.c.last_summary,
            states.c.last_result_at,
            states.c.last_duration_ms,
            states.c.paused,
            states.c.memory,
        )
        .select_from(checks.outerjoin(states, states.c.check_id == checks.c.id))
        .where(checks.c.active.is_(True))
        .order_by(checks.c.name)
    )
    query = query.where(checks.c.site_id.is_(None) if site_id is None else checks.c.site_id == site_id)
    return [dict(row._mapping) for row in connection.execute(query)]


def check_history(connection: Connection, check_ids: list[int], span: str, now: datetime) -> dict[int, list[Bucket]]:
    """Chart buckets per check for a range of RANGES, oldest first, empty buckets included."""
    length, hours = RANGES[span]
    count = int(length / timedelta(hours=hours))
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if hours == 24:
        end = end.replace(hour=0) + timedelta(days=1)
    first = end - count * timedelta(hours=hours)
    sums: dict[int, list[dict[str, float]]] = {check_id: [_empty() for _ in range(count)] for check_id in check_ids}
    for chunk in chunked(check_ids):
        hourly = (rollups.c.check_id.in_(chunk), rollups.c.period == "hour", rollups.c.bucket >= first)
        query = select(rollups).where(*hourly)
        _add_rows(sums, connection.execute(query), first, hours, count)
    out: dict[int, list[Bucket]] = {}
    for check_id, values in sums.items():
        out[check_id] = [
            Bucket(
                start=first + index * timedelta(hours=hours),
                count=int(value["count"]),
                ok=int(value["ok"]),
                warning=int(value["warning"]),
                error=int(value["error"]),
                unknown=int(value["unknown"]),
                mean_ms=value["duration_sum"] / value["count"] if value["count"] else None,
                max_ms=value["duration_max"] if value["count"] else None,
            )
            for index, value in enumerate(values)
        ]
    return out


def _add_rows(sums: dict[int, list[dict[str, float]]], rows: Any, first: datetime, hours: int, count: int) -> None:
    for row in rows:
        index = int((row.bucket - first).total_seconds() // (hours * 3600))
        if not 0 <= index < count:
            continue
        target = sums[row.check_id][index]
        for name in ("count", "ok", "warning", "error", "unknown", "duration_sum"):
            target[name] += getattr(row, name)
        target["duration_max"] = max(target["duration_max"], row.duration_max)


def _empty() -> dict[str, float]:
    return {"count": 0, "ok": 0, "warning": 0, "error": 0, "unknown": 0, "duration_sum": 0.0, "duration_max": 0.0}


def check_rows(
    connection: Connection,
    *,
    site: str | None = None,
    kind: str | None = None,
    status: int | None = None,
    check_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Active checks with their site and state, filtered and paged, with the total before paging."""
    filters: dict[str, Any] = {"site": site, "kind": kind, "status": status, "check_id": check_id}
    rows = check_state_rows(connection, limit=limit, offset=offset, **filters)
    for row in rows:
        del row["check"]
    return rows, count_check_states(connection, **filters)


def result_rows(
    connection: Connection,
    check_id: int | None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    status: int | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[Any]:
    """Raw results newest first, in a time range, paged by id (`before_id` is the last id of the previous page)."""
    from sitewarden.store.results import _stored
    from sitewarden.store.tables import results

    query = select(results).order_by(results.c.id.desc()).limit(limit)
    if check_id is not None:
        query = query.where(results.c.check_id == check_id)
    if since is not None:
        query = query.where(results.c.started_at >= since)
    if until is not None:
        query = query.where(results.c.started_at < until)
    if status is not None:
        query = query.where(results.c.status == status)
    if before_id is not None:
        query = query.where(results.c.id < before_id)
    return [_stored(row) for row in connection.execute(query)]
