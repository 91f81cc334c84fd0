"""SLA figures leave out the config's maintenance windows and planned work, once each, and list them with reasons.

Every case is November 2026 (30 days) for one check `shop/web`, on a real store (SQLite and PostgreSQL), with the
figures computed by hand in the case's comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from sitewarden.app.sla import sla_report
from sitewarden.app.sla_formats import report_csv, report_json, report_text
from sitewarden.config.plan import CheckSpec
from sitewarden.events.availability import acknowledgement_event
from sitewarden.events.settings import MaintenanceWindow
from sitewarden.probes.http import HttpParams
from sitewarden.results import Status
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events
from tests.app.test_sla import MONTH_S, NOV, NOW, Case, _store, at

HOUR = 3600.0
SPEC = CheckSpec(
    key="shop.web",
    site="shop",
    name="web",
    kind="http",
    params=HttpParams(kind="http"),
    interval=60,
    retry_interval=20,
    timeout=10,
    failure_threshold=3,
    success_threshold=1,
)


@dataclass
class Excluding:
    """A Case plus config windows, planned-work acknowledgements and the excluded stretches the report lists."""

    case: Case
    config: list[dict[str, Any]] = field(default_factory=list)
    planned: list[tuple[datetime, str]] = field(default_factory=list)
    listed: list[tuple[datetime, datetime, str]] = field(default_factory=list)


DOWN_12_14 = [(at(10, 12), Status.ERROR), (at(10, 14), Status.OK)]
CASES = {
    # 10 Nov 12:30–13:00 down, inside the config window 12:00–14:00: excluded 2 h, nothing down.
    "a one-off config window leaves out its time": Excluding(
        Case([(at(10, 12, 30), Status.ERROR), (at(10, 13), Status.OK)], measured_s=MONTH_S - 2 * HOUR,
             excluded_s=2 * HOUR),
        config=[{"start": "2026-11-10T12:00:00Z", "duration": "2h", "comment": "switch upgrade"}],
        listed=[(at(10, 12), at(10, 14), "maintenance (config): switch upgrade")],
    ),
    # Sundays of November 2026: 1, 8, 15, 22, 29 → five windows of 1 h at 02:00 UTC.
    "a weekly config window counts every week of the month": Excluding(
        Case([], measured_s=MONTH_S - 5 * HOUR, excluded_s=5 * HOUR),
        config=[{"every": "sun 02:00", "duration": "1h"}],
        listed=[(at(day, 2), at(day, 3), "maintenance (config): every sun 02:00") for day in (1, 8, 15, 22, 29)],
    ),
    # Stored 12:00–14:00 and config 13:00–15:00 overlap: excluded 12:00–15:00 = 3 h once. Outage 11:00–16:00 is
    # 5 h, of which 3 h are excluded: 2 h down, one outage.
    "a config window overlapping a stored window and an outage counts once": Excluding(
        Case([(at(10, 11), Status.ERROR), (at(10, 16), Status.OK)], windows=[(at(10, 12), at(10, 14))],
             measured_s=MONTH_S - 3 * HOUR, excluded_s=3 * HOUR, down_s=2 * HOUR, outages=1),
        config=[{"start": "2026-11-10T13:00:00Z", "duration": "2h", "comment": "db move"}],
        listed=[(at(10, 12), at(10, 14), "deploy"), (at(10, 13), at(10, 15), "maintenance (config): db move")],
    ),
    # Outage 12:00–14:00 acknowledged at 12:10 as planned: the whole 2 h is excluded, nothing down.
    "an outage acknowledged as planned work is left out": Excluding(
        Case(DOWN_12_14, measured_s=MONTH_S - 2 * HOUR, excluded_s=2 * HOUR),
        planned=[(at(10, 12, 10), "PHP 8.3 upgrade")],
        listed=[(at(10, 12), at(10, 14), "planned work: PHP 8.3 upgrade (acknowledged by anna)")],
    ),
    # Planned 12:00–14:00 and a config window 13:00–15:00: excluded 12:00–15:00 = 3 h, not 4 h.
    "planned work overlapping a config window counts once": Excluding(
        Case(DOWN_12_14, measured_s=MONTH_S - 3 * HOUR, excluded_s=3 * HOUR),
        config=[{"start": "2026-11-10T13:00:00Z", "duration": "2h", "comment": "db move"}],
        planned=[(at(10, 13), "PHP 8.3 upgrade")],
        listed=[
            (at(10, 12), at(10, 14), "planned work: PHP 8.3 upgrade (acknowledged by anna)"),
            (at(10, 13), at(10, 15), "maintenance (config): db move"),
        ],
    ),
    # The planned acknowledgement covers the first outage only; the second (1 h on 12 Nov) counts.
    "planned work does not hide a later outage": Excluding(
        Case([*DOWN_12_14, (at(12, 8), Status.ERROR), (at(12, 9), Status.OK)], measured_s=MONTH_S - 2 * HOUR,
             excluded_s=2 * HOUR, down_s=HOUR, outages=1),
        planned=[(at(10, 12, 10), "PHP 8.3 upgrade")],
        listed=[(at(10, 12), at(10, 14), "planned work: PHP 8.3 upgrade (acknowledged by anna)")],
    ),
    # An acknowledgement while the check is up marks nothing.
    "a planned acknowledgement outside any outage excludes nothing": Excluding(
        Case(DOWN_12_14, down_s=2 * HOUR, outages=1),
        planned=[(at(10, 15), "too late")],
    ),
    # An outage from 31 Oct 22:00 to 1 Nov 02:00, acknowledged on 31 Oct: its November part (2 h) is excluded.
    "planned work across the month's start is split": Excluding(
        Case([(at(31, 22, month=10), Status.ERROR), (at(1, 2), Status.OK)], measured_s=MONTH_S - 2 * HOUR,
             excluded_s=2 * HOUR),
        planned=[(at(31, 23, month=10), "data centre move")],
        listed=[(at(1, 0), at(1, 2), "planned work: data centre move (acknowledged by anna)")],
    ),
    "a config window for another site does not count": Excluding(
        Case(DOWN_12_14, down_s=2 * HOUR, outages=1),
        config=[{"start": "2026-11-10T11:00:00Z", "duration": "4h", "sites": ["blog"]}],
    ),
    "a config window for the site's group counts": Excluding(
        Case(DOWN_12_14, measured_s=MONTH_S - 4 * HOUR, excluded_s=4 * HOUR),
        config=[{"start": "2026-11-10T11:00:00Z", "duration": "4h", "groups": ["acme"], "comment": "acme freeze"}],
        listed=[(at(10, 11), at(10, 15), "maintenance (config): acme freeze")],
    ),
}  # fmt: skip


def _acknowledge(database: Database, planned: list[tuple[datetime, str]]) -> None:
    events = [acknowledgement_event(SPEC, "anna", moment, planned=True, reason=reason) for moment, reason in planned]
    with database.transaction() as connection:
        insert_events(connection, events)


@pytest.mark.parametrize("name", list(CASES))
def test_excluded_time_matches_hand_computed_figures(database: Database, name: str) -> None:
    item = CASES[name]
    _store(database, item.case)
    _acknowledge(database, item.planned)
    windows = [MaintenanceWindow.model_validate(window) for window in item.config]
    with database.transaction() as connection:
        report = sla_report(connection, {"acme": 99.9}, *NOV, NOW, maintenance=windows)
    [site] = report.sites
    for got in (site.checks[0].figures, site.figures):
        assert (got.measured_s, got.excluded_s, got.down_s, got.outage_count) == (
            item.case.measured_s,
            item.case.excluded_s,
            item.case.down_s,
            item.case.outages,
        )
    assert site.windows == item.listed


def test_every_format_shows_the_excluded_time_with_its_reason(database: Database) -> None:
    item = CASES["planned work overlapping a config window counts once"]
    _store(database, item.case)
    _acknowledge(database, item.planned)
    windows = [MaintenanceWindow.model_validate(window) for window in item.config]
    with database.transaction() as connection:
        report = sla_report(connection, {"acme": 99.9}, *NOV, NOW, maintenance=windows)
    text = report_text(report)
    assert "    excluded 2026-11-10 12:00 – 2026-11-10 14:00  2h00m00s  planned work: PHP 8.3 upgrade" in text
    assert "    excluded 2026-11-10 13:00 – 2026-11-10 15:00  2h00m00s  maintenance (config): db move" in text
    shown = report_json(report)["sites"][0]
    assert shown["excluded_s"] == 3 * HOUR
    assert shown["maintenance"][1] == {
        "start": "2026-11-10T13:00:00Z",
        "end": "2026-11-10T15:00:00Z",
        "reason": "maintenance (config): db move",
    }
    row = report_csv(report).splitlines()[1]
    assert row.endswith(
        "2026-11-10T12:00:00Z/2026-11-10T14:00:00Z planned work: PHP 8.3 upgrade (acknowledged by anna) | "
        "2026-11-10T13:00:00Z/2026-11-10T15:00:00Z maintenance (config): db move"
    )


def test_a_planned_acknowledgement_event_says_so() -> None:
    event = acknowledgement_event(SPEC, "anna", NOW, planned=True, reason="PHP 8.3 upgrade")
    assert event.payload == {
        "check_key": "shop.web",
        "action": "acknowledge",
        "by": "anna",
        "planned": True,
        "reason": "PHP 8.3 upgrade",
    }
    assert event.message == "shop.web acknowledged by anna as planned work: PHP 8.3 upgrade"
    assert "planned" not in acknowledgement_event(SPEC, "anna", NOW).payload
