"""Raw results: batched inserts, recent history, and pruning past the retention period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from sitewarden.results import FAILURE_KEY, Metric, Result, Status
from sitewarden.store.prepared import execute_rows, prepare
from sitewarden.store.tables import results


@dataclass(frozen=True, slots=True)
class StoredResult:
    """A result as read back, with its row id and check."""

    id: int
    check_id: int
    result: Result


_COLUMNS = ("check_id", "started_at", "duration_ms", "status", "summary", "metrics", "details")


def insert_results(connection: Connection, rows: list[tuple[int, Result]]) -> None:
    """One executemany of a statement compiled once (the writer stores thousands a second)."""
    if not rows:
        return
    statement = prepare(connection, "results.insert", lambda _dialect: results.insert(), _COLUMNS)
    execute_rows(
        connection,
        statement,
        [
            (
                check_id,
                result.started_at,
                result.duration_ms,
                int(result.status),
                result.summary[:2000],
                [metric.as_dict() for metric in result.metrics],
                result.details,
            )
            for check_id, result in rows
        ],
    )


def recent_results(connection: Connection, check_id: int, limit: int = 50) -> list[StoredResult]:
    query = (
        select(results)
        .where(results.c.check_id == check_id)
        .order_by(results.c.started_at.desc(), results.c.id.desc())
        .limit(limit)
    )
    return [_stored(row) for row in connection.execute(query)]


def last_failure_classes(connection: Connection, check_ids: list[int]) -> dict[int, str]:
    """The failure class of each check's last result, when it was not ok (the state keeps no column for it)."""
    from sitewarden.store.tables import states

    if not check_ids:
        return {}
    from sitewarden.store.batches import chunked

    joined = states.join(
        results, (results.c.check_id == states.c.check_id) & (results.c.started_at == states.c.last_result_at)
    )
    found: dict[int, str] = {}
    for chunk in chunked(check_ids):  # any fleet size: PostgreSQL binds at most 65,535 parameters
        query = (
            select(results.c.check_id, results.c.details)
            .select_from(joined)
            .where(states.c.check_id.in_(chunk), states.c.last_status != int(Status.OK))
        )
        for check_id, details in connection.execute(query):
            failure = (details or {}).get(FAILURE_KEY)
            if isinstance(failure, str):
                found[check_id] = failure
    return found


def add_failure_classes(connection: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set `failure` (the last result's failure class, or None) on check rows keyed by `id`; returns the rows."""
    classes = last_failure_classes(connection, [row["id"] for row in rows])
    for row in rows:
        row["failure"] = classes.get(row["id"])
    return rows


def prune_results(connection: Connection, before: datetime) -> int:
    """Delete raw results older than `before`; the hourly rollups keep their history."""
    outcome = connection.execute(delete(results).where(results.c.started_at < before))
    return int(outcome.rowcount or 0)


def _stored(row: Any) -> StoredResult:
    result = Result(
        status=Status(row.status),
        summary=row.summary,
        metrics=[Metric.from_dict(item) for item in row.metrics or []],
        details=dict(row.details or {}),
        started_at=row.started_at,
        duration_ms=row.duration_ms,
    )
    return StoredResult(id=row.id, check_id=row.check_id, result=result)
