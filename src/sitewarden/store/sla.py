"""Reads for SLA reports: checks with their first run, confirmed state changes, hourly rollups and windows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from sitewarden.store.tables import checks, events, maintenance_windows, results, rollups, sites, states

STATE_EVENT_TYPES = ("availability", "certificate")


@dataclass(slots=True)
class CheckHistory:
    """One check's stored facts over a period: enough to compute its SLA figures exactly."""

    check_id: int
    key: str
    name: str
    kind: str
    site: str | None
    groups: list[str]
    first_run: datetime | None
    last_result_at: datetime | None
    paused: bool
    before: dict[str, Any] | None = None
    """The last state change before the period: {at, status, summary}."""
    changes: list[dict[str, Any]] = field(default_factory=list)
    hours: list[tuple[int, float]] = field(default_factory=list)
    """(results, mean duration in ms) per hourly rollup inside the period."""
    planned: list[dict[str, Any]] = field(default_factory=list)
    """Acknowledgements marking an outage as planned work, before `end`: {at, by, reason}."""


def check_histories(
    connection: Connection, start: datetime, end: datetime, site_names: list[str] | None = None
) -> list[CheckHistory]:
    """Active checks (of the given sites, or all) with their state changes and rollups from before `end`."""
    query = (
        select(
            checks.c.id,
            checks.c.key,
            checks.c.name,
            checks.c.kind,
            sites.c.name.label("site"),
            sites.c.groups,
            states.c.last_result_at,
            states.c.paused,
        )
        .select_from(checks.outerjoin(sites, sites.c.id == checks.c.site_id).outerjoin(states))
        .where(checks.c.active.is_(True))
        .order_by(sites.c.name, checks.c.name)
    )
    if site_names is not None:
        query = query.where(sites.c.name.in_(site_names))
    found = {
        row.id: CheckHistory(
            check_id=row.id,
            key=row.key,
            name=row.name,
            kind=row.kind,
            site=row.site,
            groups=list(row.groups or []),
            first_run=None,
            last_result_at=row.last_result_at,
            paused=bool(row.paused),
        )
        for row in connection.execute(query)
    }
    if not found:
        return []
    ids = list(found)
    _first_runs(connection, found, ids)
    _changes(connection, found, start, end)
    _planned(connection, found, end)
    hourly = select(rollups.c.check_id, rollups.c.count, rollups.c.duration_sum).where(
        rollups.c.check_id.in_(ids), rollups.c.period == "hour", rollups.c.bucket >= start, rollups.c.bucket < end
    )
    for check_id, count, duration_sum in connection.execute(hourly):
        if count:
            found[check_id].hours.append((int(count), float(duration_sum) / int(count)))
    return list(found.values())


def _first_runs(connection: Connection, found: dict[int, CheckHistory], ids: list[int]) -> None:
    """The first stored run of each check: its oldest result, or its oldest rollup once results are pruned."""
    for table, column in ((results, results.c.started_at), (rollups, rollups.c.bucket)):
        query = select(table.c.check_id, func.min(column)).where(table.c.check_id.in_(ids)).group_by(table.c.check_id)
        for check_id, first in connection.execute(query):
            known = found[check_id].first_run
            if first is not None and (known is None or first < known):
                found[check_id].first_run = _aware(first)


def _events_of_checks(
    connection: Connection, found: dict[int, CheckHistory], end: datetime, type_filter: ColumnElement[bool]
) -> Iterator[tuple[CheckHistory, dict[str, Any], datetime]]:
    """(check, payload, time) of the events before `end` that name one of the checks, oldest first."""
    by_key = {history.key: history for history in found.values()}
    query = (
        select(events.c.payload, events.c.created_at)
        .where(type_filter, events.c.created_at < end)
        .order_by(events.c.created_at, events.c.id)
    )
    site_names = {history.site for history in found.values()}
    if None not in site_names:
        query = query.where(events.c.site.in_(sorted(name for name in site_names if name is not None)))
    for row in connection.execute(query):
        payload = row.payload or {}
        history = by_key.get(str(payload.get("check_key", "")))
        if history is not None:
            yield history, payload, _aware(row.created_at)


def _changes(connection: Connection, found: dict[int, CheckHistory], start: datetime, end: datetime) -> None:
    """Confirmed state changes (the availability events) of the checks, before `end`, oldest first."""
    for history, payload, moment in _events_of_checks(connection, found, end, events.c.type.in_(STATE_EVENT_TYPES)):
        if "new" not in payload:
            continue
        change = {"at": moment, "status": str(payload["new"]), "summary": str(payload.get("summary", ""))}
        if moment < start:
            history.before = change
        else:
            history.changes.append(change)


def _planned(connection: Connection, found: dict[int, CheckHistory], end: datetime) -> None:
    """Acknowledgements with `planned: true` (audit events), oldest first; the report matches them to outages."""
    for history, payload, moment in _events_of_checks(connection, found, end, events.c.type == "audit"):
        if payload.get("action") != "acknowledge" or payload.get("planned") is not True:
            continue
        history.planned.append(
            {"at": moment, "by": str(payload.get("by", "")), "reason": str(payload.get("reason", ""))}
        )


def windows_between(connection: Connection, site_names: list[str], start: datetime, end: datetime) -> list[Any]:
    """Stored maintenance windows of the sites that overlap [start, end), by start."""
    if not site_names:
        return []
    query = (
        select(maintenance_windows)
        .where(
            maintenance_windows.c.site.in_(site_names),
            maintenance_windows.c.starts_at < end,
            maintenance_windows.c.ends_at > start,
        )
        .order_by(maintenance_windows.c.starts_at)
    )
    return list(connection.execute(query))


def _aware(moment: Any) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    value: datetime = moment
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
