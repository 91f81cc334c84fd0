"""SLA figures at the edges, on a real store (SQLite and PostgreSQL), against hand-computed expectations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from sitewarden.app.sla import sla_report
from sitewarden.availability import month_period
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.results import Result, Status
from sitewarden.states import CheckState
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events
from sitewarden.store.maintenance import add_window
from sitewarden.store.results import insert_results
from sitewarden.store.rollups import add_to_rollups
from sitewarden.store.states import save_states
from sitewarden.store.tables import checks

NOV = month_period("2026-11")
DURATIONS = [float(ms) for ms in range(100, 0, -1)]
NOW = datetime(2026, 12, 5, tzinfo=UTC)
MONTH_S = 30 * 86400


def at(day: int, hour: int = 0, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Case:
    """One check's stored history and the figures expected for November 2026."""

    changes: list[tuple[datetime, Status]]
    first_run: datetime = datetime(2026, 10, 1, tzinfo=UTC)
    windows: list[tuple[datetime, datetime]] = field(default_factory=list)
    paused_after: datetime | None = None
    measured_s: float = MONTH_S
    down_s: float = 0.0
    outages: int = 0
    excluded_s: float = 0.0


CASES = {
    "one outage of an hour": Case([(at(10, 12), Status.ERROR), (at(10, 13), Status.OK)], down_s=3600, outages=1),
    "an outage across the month's start is split": Case(
        [(at(31, 23, month=10), Status.ERROR), (at(1, 1), Status.OK)], down_s=3600, outages=1
    ),
    "an outage across the month's end is split": Case(
        [(at(30, 23), Status.ERROR), (at(1, 2, month=12), Status.OK)], down_s=3600, outages=1
    ),
    "a window that starts inside an outage leaves out its part": Case(
        [(at(10, 12), Status.ERROR), (at(10, 14), Status.OK)],
        windows=[(at(10, 13), at(10, 15))],
        measured_s=MONTH_S - 7200,
        excluded_s=7200,
        down_s=3600,
        outages=1,
    ),
    "an outage wholly inside a window does not count": Case(
        [(at(10, 12), Status.ERROR), (at(10, 13), Status.OK)],
        windows=[(at(10, 11), at(10, 14))],
        measured_s=MONTH_S - 3 * 3600,
        excluded_s=3 * 3600,
    ),
    "a check added mid-month counts from its first run": Case(
        [(at(16), Status.OK), (at(20), Status.ERROR), (at(20, 6), Status.OK)],
        first_run=at(16),
        measured_s=15 * 86400,
        down_s=6 * 3600,
        outages=1,
    ),
    "warnings are not downtime": Case([(at(3), Status.WARNING), (at(4), Status.OK)]),
    "a paused check counts only up to its last result": Case(
        [(at(5), Status.ERROR), (at(5, 0, 30), Status.OK)],
        paused_after=at(11),
        measured_s=10 * 86400,
        down_s=1800,
        outages=1,
    ),
    "two outages give their mean as MTTR": Case(
        [(at(2), Status.ERROR), (at(2, 1), Status.OK), (at(3), Status.ERROR), (at(3, 3), Status.OK)],
        down_s=4 * 3600,
        outages=2,
    ),
}


def _store(database: Database, case: Case) -> None:
    with database.transaction() as connection:
        ids = sync_config(
            connection,
            [SiteRow("shop", "https://shop.example.org/", ["acme"], [])],
            [CheckRow("shop.web", "shop", "web", "http", {}, 60.0)],
            case.first_run,
        )
        check_id = ids["shop.web"]
        first = Result(Status.OK, "200 OK", started_at=case.first_run, duration_ms=120.0)
        insert_results(connection, [(check_id, first)])
        add_to_rollups(connection, [(check_id, first)])
        previous = "pending"
        events = []
        for moment, status in case.changes:
            payload = {"check_key": "shop.web", "kind": "http", "old": previous, "new": status.label, "summary": "x"}
            event = Event(EventType.AVAILABILITY, Severity.ERROR, "site.shop.web", "m", payload, "shop", "web", moment)
            events.append(event)
            previous = status.label
        insert_events(connection, events)
        for low, high in case.windows:
            add_window(connection, "shop", low, high, "deploy", None, case.first_run)
        if case.paused_after is not None:
            state = CheckState(Status.OK, case.first_run, Status.OK, last_result_at=case.paused_after, paused=True)
            save_states(connection, {check_id: state}, case.paused_after)


@pytest.mark.parametrize("name", list(CASES))
def test_check_figures_match_hand_computed_ones(database: Database, name: str) -> None:
    case = CASES[name]
    _store(database, case)
    with database.transaction() as connection:
        report = sla_report(connection, {"acme": 99.9}, *NOV, NOW)
    [site] = report.sites
    [check] = site.checks
    got = check.figures
    assert (got.measured_s, got.excluded_s, got.down_s, got.outage_count) == (
        case.measured_s,
        case.excluded_s,
        case.down_s,
        case.outages,
    )
    assert got.paused is (case.paused_after is not None)
    expected = 1 - case.down_s / case.measured_s
    assert got.availability == pytest.approx(expected)
    assert site.figures.down_s == case.down_s
    if case.outages:
        assert got.mttr_s == pytest.approx(case.down_s / case.outages)
    [group] = report.groups
    assert group.name == "acme"
    assert group.met is (expected * 100 >= 99.9)
    assert group.figures.budget_left_s(99.9) == pytest.approx(0.001 * case.measured_s - case.down_s)


def test_month_boundary_outage_is_split_between_both_months(database: Database) -> None:
    _store(database, CASES["an outage across the month's end is split"])
    with database.transaction() as connection:
        december = sla_report(connection, {}, *month_period("2026-12"), NOW)
    [outage] = december.sites[0].figures.outages
    assert (outage.start, outage.end, outage.counted_s) == (at(1, month=12), at(1, 2, month=12), 7200)
    assert december.sites[0].figures.measured_s == 4 * 86400  # the month runs only until now


def test_daily_availability_shows_the_outage_day(database: Database) -> None:
    _store(database, CASES["one outage of an hour"])
    with database.transaction() as connection:
        report = sla_report(connection, {}, *NOV, NOW)
    daily = dict(report.sites[0].daily)
    assert daily[at(10)] == pytest.approx(1 - 3600 / 86400)
    assert daily[at(11)] == 1.0
    assert len(daily) == 30


def test_percentiles_come_from_the_hourly_rollups(database: Database) -> None:
    _store(database, CASES["warnings are not downtime"])
    with database.transaction() as connection:
        [check_id] = [row.id for row in connection.execute(checks.select())]
        runs = [
            Result(Status.OK, "ok", started_at=at(2) + timedelta(hours=hour), duration_ms=ms)
            for hour, ms in enumerate(DURATIONS)
        ]
        add_to_rollups(connection, [(check_id, run) for run in runs])
        report = sla_report(connection, {}, *NOV, NOW)
    assert report.sites[0].checks[0].percentiles == {"p50": 50.0, "p95": 95.0, "p99": 99.0}
