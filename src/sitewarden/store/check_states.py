"""Active checks joined with their site and state: the one select behind status, the API, /metrics and heartbeats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from sitewarden.store.batches import chunked
from sitewarden.store.tables import checks, sites, states

COLUMNS = (
    checks.c.id, checks.c.key, checks.c.name, checks.c.name.label("check"), checks.c.kind, checks.c.params,
    checks.c.interval_s, checks.c.source, sites.c.name.label("site"), states.c.hard_status, states.c.hard_since,
    states.c.soft_status, states.c.attempts, states.c.last_status, states.c.last_summary, states.c.last_result_at,
    states.c.last_duration_ms, states.c.paused, checks.c.failure_threshold, checks.c.success_threshold,
)  # fmt: skip
"""Every row carries the check's `name` and, for the status table, the same value as `check`."""


def _conditions(
    *,
    site: str | None = None,
    name: str | None = None,
    kind: str | None = None,
    kinds: Sequence[str] | None = None,
    status: int | None = None,
    check_id: int | None = None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [checks.c.active.is_(True)]
    if site is not None:
        conditions.append(sites.c.name == site)
    if name:
        conditions.append((sites.c.name == name) | (checks.c.key == name) | (checks.c.name == name))
    if kind is not None:
        conditions.append(checks.c.kind == kind)
    if kinds is not None:
        conditions.append(checks.c.kind.in_(kinds))
    if status is not None:
        conditions.append(states.c.hard_status == status)
    if check_id is not None:
        conditions.append(checks.c.id == check_id)
    return conditions


def _joined() -> Any:
    return checks.outerjoin(sites, sites.c.id == checks.c.site_id).outerjoin(states)


def check_state_rows(
    connection: Connection,
    *,
    by_site: bool = False,
    limit: int | None = None,
    offset: int = 0,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Active checks with site and state, ordered by key (or by site, then check name), optionally paged.

    Filters: `site` (site name), `name` (a site, check key or check name), `kind` or `kinds`, `status` (hard),
    `check_id`.
    """
    query: Select[Any] = select(*COLUMNS).select_from(_joined()).where(*_conditions(**filters))
    query = query.order_by(sites.c.name, checks.c.name) if by_site else query.order_by(checks.c.key)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [dict(row._mapping) for row in connection.execute(query)]


def count_check_states(connection: Connection, **filters: Any) -> int:
    """How many active checks match the filters of `check_state_rows`, before paging."""
    query = select(func.count()).select_from(_joined()).where(*_conditions(**filters))
    return int(connection.scalar(query) or 0)


def count_by_kind_and_status(connection: Connection) -> list[tuple[str, int | None, int, int]]:
    """(kind, hard status or None, active checks, of them paused): what /metrics shows by default, in one GROUP BY."""
    paused = func.sum(case((states.c.paused.is_(True), 1), else_=0))
    query = (
        select(checks.c.kind, states.c.hard_status, func.count(), paused)
        .select_from(checks.outerjoin(states))
        .where(checks.c.active.is_(True))
        .group_by(checks.c.kind, states.c.hard_status)
    )
    return [
        (kind, status, int(number), int(stopped or 0)) for kind, status, number, stopped in connection.execute(query)
    ]


def check_names(connection: Connection, check_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Check id → (site name or "", check name), read in chunks so any number of ids works."""
    names: dict[int, tuple[str, str]] = {}
    for chunk in chunked(check_ids):
        query = (
            select(checks.c.id, checks.c.name, sites.c.name.label("site"))
            .select_from(checks.outerjoin(sites, sites.c.id == checks.c.site_id))
            .where(checks.c.id.in_(chunk))
        )
        names.update({row.id: (row.site or "", row.name) for row in connection.execute(query)})
    return names


def failing_checks(connection: Connection, site_names: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The not-ok checks (confirmed or latest status) of the named sites: why the overview shows a site red."""
    if not site_names:
        return {}
    failing = (states.c.hard_status != 0) | (states.c.last_status != 0)
    query = (
        select(sites.c.name.label("site"), checks.c.name.label("check"), checks.c.kind, states.c.hard_status,
               states.c.last_status, states.c.last_summary)
        .select_from(_joined())
        .where(checks.c.active.is_(True), sites.c.name.in_(list(site_names)), failing)
        .order_by(sites.c.name, checks.c.name)
    )  # fmt: skip
    found: dict[str, list[dict[str, Any]]] = {}
    for row in connection.execute(query):
        found.setdefault(row.site, []).append(dict(row._mapping))
    return found
