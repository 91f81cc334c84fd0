"""SLA reports as a use case: per check, site and group over a period, from state changes, windows and rollups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sitewarden.app.database import Session as Connection
from sitewarden.app.sla_exclusions import exclusions
from sitewarden.availability import (
    Change,
    Figures,
    Interval,
    combine,
    days,
    figures,
    percentiles,
    timeline,
    union_stretches,
)
from sitewarden.config.kinds import check_kinds
from sitewarden.errors import NotFound
from sitewarden.events.settings import MaintenanceWindow
from sitewarden.results import Status
from sitewarden.store.sla import CheckHistory, check_histories, windows_between

Stretch = tuple[Interval, str, bool]


@dataclass(slots=True)
class CheckSla:
    """One check's figures: paused checks say so instead of counting as up."""

    site: str | None
    name: str
    kind: str
    figures: Figures
    percentiles: dict[str, float]


@dataclass(slots=True)
class SiteSla:
    """A site's figures (down while any of its checks is), its windows and its daily availability."""

    name: str
    groups: list[str]
    target: float | None
    figures: Figures
    percentiles: dict[str, float]
    windows: list[tuple[datetime, datetime, str]]
    """Excluded time with its reason: stored and config maintenance windows, acknowledged planned work."""
    daily: list[tuple[datetime, float | None]]
    checks: list[CheckSla] = field(default_factory=list)
    expiries: list[Any] = field(default_factory=list)
    """Certificate and domain expiries (`sla_extras.Expiry`), filled for the PDF and JSON."""
    security: list[Any] = field(default_factory=list)
    """Open security findings with their fixing versions (`sla_extras.SecurityFinding`)."""


@dataclass(slots=True)
class GroupSla:
    """A group's figures, time-weighted over its sites, against its `sla:` target."""

    name: str
    target: float | None
    figures: Figures
    sites: list[str]

    @property
    def met(self) -> bool | None:
        availability = self.figures.availability
        if self.target is None or availability is None:
            return None
        return availability * 100.0 >= self.target


@dataclass(slots=True)
class SlaReport:
    """Everything `sitewarden report sla` and `GET /api/v1/reports/sla` show for one period."""

    start: datetime
    end: datetime
    sites: list[SiteSla]
    groups: list[GroupSla]


def sla_report(
    connection: Connection,
    targets: dict[str, float | None],
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    group: str | None = None,
    site: str | None = None,
    maintenance: Sequence[MaintenanceWindow] = (),
) -> SlaReport:
    """Figures of the period [start, end) (up to `now` when it is still going) for the chosen sites.

    Excluded from measured and down time, and listed with their reason: the sites' stored maintenance windows, the
    config file's `maintenance:` windows that cover them, and outages acknowledged as planned work. Overlapping
    exclusions count once.
    """
    histories = [item for item in check_histories(connection, start, end) if item.site is not None]
    if site is not None:
        histories = [item for item in histories if item.site == site]
        if not histories:
            raise NotFound(f"no site named '{site}' with checks", hint="site names are listed by `sitewarden status`")
    if group is not None:
        histories = [item for item in histories if group in item.groups]
        if not histories:
            raise NotFound(f"no site in group '{group}'", hint="groups are set per site under `groups:`")
    names = sorted({item.site for item in histories if item.site is not None})
    windows: dict[str, list[tuple[datetime, datetime, str]]] = {name: [] for name in names}
    for row in windows_between(connection, names, start, end):
        windows[row.site].append((row.starts_at, row.ends_at, row.reason))
    until = min(end, now)
    site_rows = [
        _site(
            name,
            [item for item in histories if item.site == name],
            windows[name],
            targets,
            start,
            until,
            maintenance,
        )
        for name in names
    ]
    groups = sorted({name for row in site_rows for name in row.groups if group is None or name == group})
    group_rows = [
        GroupSla(
            name,
            targets.get(name),
            combine([row.figures for row in site_rows if name in row.groups]),
            [row.name for row in site_rows if name in row.groups],
        )
        for name in groups
    ]
    return SlaReport(start, end, site_rows, group_rows)


def _site(
    name: str,
    histories: list[CheckHistory],
    windows: list[tuple[datetime, datetime, str]],
    targets: dict[str, float | None],
    start: datetime,
    until: datetime,
    maintenance: Sequence[MaintenanceWindow] = (),
) -> SiteSla:
    kinds = check_kinds()
    counted = [
        item
        for item in histories
        if item.kind not in kinds or (kinds[item.kind].counts_toward_sla and not kinds[item.kind].yields_certificate)
    ]
    site_groups = list(histories[0].groups) if histories else []
    excluded = exclusions(name, site_groups, counted, windows, maintenance, (start, until))
    rows: list[CheckSla] = []
    stretches: list[Sequence[Stretch]] = []
    bounds: list[tuple[datetime, datetime]] = []
    for history in counted:
        low, high = _bounds(history, start, until)
        check_stretches = timeline(_changes(history.changes), _change(history.before), high)
        excluded.add_planned_work(history, check_stretches, (start, until))
        rows.append(
            CheckSla(
                history.site,
                history.name,
                history.kind,
                figures(check_stretches, excluded.checks[history.check_id], low, high, paused=history.paused),
                percentiles(history.hours),
            )
        )
        if high > low:
            stretches.append(check_stretches)
            bounds.append((low, high))
    merged = union_stretches(stretches)
    low = min((item[0] for item in bounds), default=until)
    high = max((item[1] for item in bounds), default=until)
    paused = bool(rows) and all(row.figures.paused for row in rows)
    total = figures(merged, excluded.site, low, high, paused=paused)
    daily = []
    for day_start, day_end in days(start, until):
        day = figures(merged, excluded.site, max(day_start, low), min(day_end, high))
        daily.append((day_start, day.availability))
    chosen = [target for target in (targets.get(group) for group in site_groups) if target is not None]
    hours = [hour for history in counted for hour in history.hours]
    target = max(chosen) if chosen else None
    return SiteSla(name, site_groups, target, total, percentiles(hours), excluded.listed(), daily, rows)


def _bounds(history: CheckHistory, start: datetime, until: datetime) -> tuple[datetime, datetime]:
    """A check counts from its first run (if inside the period) and, when paused, only up to its last result."""
    if history.first_run is None:
        return until, until
    low = max(start, history.first_run)
    high = until
    if history.paused:
        high = min(high, history.last_result_at or low)
    return low, max(low, high)


def _change(row: dict[str, object] | None) -> Change | None:
    if row is None:
        return None
    at = row["at"]
    assert isinstance(at, datetime)
    return Change(at, Status.parse(str(row["status"])), str(row["summary"]))


def _changes(rows: list[dict[str, object]]) -> list[Change]:
    return [change for change in (_change(row) for row in rows) if change is not None]
