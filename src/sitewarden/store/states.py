"""Check states (hard and soft status, attempts, last result): read and written as whole rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.engine.interfaces import Dialect

from sitewarden.results import Status
from sitewarden.states import CheckState
from sitewarden.store.batches import chunked
from sitewarden.store.check_states import check_state_rows
from sitewarden.store.database import upsert_statement
from sitewarden.store.prepared import execute_rows, prepare
from sitewarden.store.tables import states


def load_states(connection: Connection, check_ids: Sequence[int] | None = None) -> dict[int, CheckState]:
    """The stored states of these checks (all of them for None), read in chunks so any number of ids works."""
    if check_ids is None:
        return {row.check_id: _state(row) for row in connection.execute(select(states))}
    found: dict[int, CheckState] = {}
    for chunk in chunked(check_ids):
        for row in connection.execute(select(states).where(states.c.check_id.in_(chunk))):
            found[row.check_id] = _state(row)
    return found


_COLUMNS = (
    "check_id", "hard_status", "hard_since", "soft_status", "attempts", "last_status", "last_summary",
    "last_result_at", "last_duration_ms", "paused", "memory", "version", "updated_at",
)  # fmt: skip


def save_states(connection: Connection, rows: dict[int, CheckState], now: datetime) -> None:
    """Insert or replace the given states in one statement (an upsert on SQLite and PostgreSQL)."""
    if not rows:
        return
    statement = prepare(connection, "states.upsert", _upsert, _COLUMNS)
    execute_rows(connection, statement, [_values(check_id, state, now) for check_id, state in rows.items()])


def _upsert(dialect: Dialect) -> Any:
    statement = upsert_statement(dialect, states)
    changed = {name: statement.excluded[name] for name in _COLUMNS if name != "check_id"}
    return statement.on_conflict_do_update(index_elements=[states.c.check_id], set_=changed)


STATUS_KEYS = (
    "id", "key", "check", "kind", "site", "hard_status", "hard_since", "soft_status", "attempts", "last_status",
    "last_summary", "last_result_at", "last_duration_ms", "paused", "failure_threshold", "success_threshold",
)  # fmt: skip


def state_rows(connection: Connection, name: str | None = None) -> list[dict[str, Any]]:
    """States joined with their check and site, for `sitewarden status`; `name` is a site, check key or check."""
    rows = check_state_rows(connection, by_site=True, name=name)
    return [{key: row[key] for key in STATUS_KEYS} for row in rows]


def _state(row: Any) -> CheckState:
    return CheckState(
        hard=Status(row.hard_status) if row.hard_status is not None else None,
        hard_since=row.hard_since,
        soft=Status(row.soft_status),
        attempts=row.attempts,
        last_status=Status(row.last_status) if row.last_status is not None else None,
        last_summary=row.last_summary,
        last_result_at=row.last_result_at,
        last_duration_ms=row.last_duration_ms,
        paused=row.paused,
        memory=dict(row.memory or {}),
        version=row.version,
    )


def _values(check_id: int, state: CheckState, now: datetime) -> tuple[Any, ...]:
    """A state as a row in `_COLUMNS` order."""
    hard, last = state.hard, state.last_status
    return (
        check_id,
        None if hard is None else int(hard),
        state.hard_since,
        int(state.soft),
        state.attempts,
        None if last is None else int(last),
        state.last_summary,
        state.last_result_at,
        state.last_duration_ms,
        state.paused,
        state.memory,
        state.version,
        now,
    )
