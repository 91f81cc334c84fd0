"""Raw results: batched inserts, recent history, and pruning past the retention period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from sitewarden.results import Metric, Result, Status
from sitewarden.store.tables import results


@dataclass(frozen=True, slots=True)
class StoredResult:
    """A result as read back, with its row id and check."""

    id: int
    check_id: int
    result: Result


def insert_results(connection: Connection, rows: list[tuple[int, Result]]) -> None:
    if not rows:
        return
    connection.execute(
        results.insert(),
        [
            {
                "check_id": check_id,
                "started_at": result.started_at,
                "duration_ms": result.duration_ms,
                "status": int(result.status),
                "summary": result.summary[:2000],
                "metrics": [metric.as_dict() for metric in result.metrics],
                "details": result.details,
            }
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
