"""The writer's statements compiled once: what they store reads back as through SQLAlchemy, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import DateTime
from sqlalchemy.dialects import sqlite

from sitewarden.events.model import Event, EventType, Severity
from sitewarden.results import Result, Status
from sitewarden.states import CheckState
from sitewarden.store.database import Database, open_database
from sitewarden.store.events import events_after, insert_events
from sitewarden.store.results import insert_results, recent_results
from sitewarden.store.states import load_states, save_states
from sitewarden.store.tables import UtcDateTime
from tests.store.test_core_store import _sync

NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)  # microsecond 0: the case isoformat would shorten by default


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.close()


def _event(message: str, dedupe_key: str | None = None) -> Event:
    return Event(EventType.AVAILABILITY, Severity.ERROR, "site.shop.web", message, site="shop", dedupe_key=dedupe_key)


def test_events_in_runs_keep_their_order_ids_and_dedupe(database: Database) -> None:
    first = [_event("a"), _event("b"), _event("c", "once"), _event("d"), _event("e")]
    again = [_event("f"), _event("c again", "once"), _event("g")]
    with database.transaction() as connection:
        ids = insert_events(connection, first)
        more = insert_events(connection, again)
        stored = events_after(connection, 0)
    assert [event.message for event in stored] == ["a", "b", "c", "d", "e", "f", "g"]
    assert ids + more == [event.id for event in stored]
    assert [event.id for event in first] == ids and again[1].id == first[2].id  # the repeat points at the first


def test_results_and_states_read_back_with_their_timestamps(database: Database) -> None:
    web = _sync(database)["shop/web"]
    offset = timezone(timedelta(hours=2))
    results = [
        Result(Status.OK, "ok", started_at=NOW, duration_ms=1.0),
        Result(Status.ERROR, "down", started_at=(NOW + timedelta(seconds=1.5)).astimezone(offset), duration_ms=2.0),
    ]
    state = CheckState(hard=None, hard_since=NOW.astimezone(offset), soft=Status.ERROR, attempts=1, memory={"k": 1})
    with database.transaction() as connection:
        insert_results(connection, [(web, result) for result in results])
        save_states(connection, {web: state}, NOW)
        save_states(connection, {web: CheckState(hard=Status.OK, hard_since=NOW, soft=Status.OK)}, NOW)
        save_states(connection, {web: state}, NOW)  # the upsert replaces the whole row, both ways
        stored = recent_results(connection, web)
        (loaded,) = load_states(connection).values()
    assert [(item.result.started_at, item.result.summary) for item in stored] == [
        (NOW + timedelta(seconds=1.5), "down"),
        (NOW, "ok"),
    ]
    assert (loaded.hard, loaded.hard_since, loaded.soft, loaded.attempts, loaded.memory) == (
        None,
        NOW,
        Status.ERROR,
        1,
        {"k": 1},
    )


@pytest.mark.parametrize(
    "value",
    [
        NOW,
        datetime(2026, 11, 30, 6, 35, 33, 123456, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=5))),
        datetime(2026, 1, 1, 23, 59, 59, 999999),  # naive: taken as UTC
        datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        None,
    ],
)
def test_sqlite_timestamps_bind_as_the_two_step_conversion_did(value: datetime | None) -> None:
    dialect = sqlite.dialect()
    column = UtcDateTime()
    stored_text = DateTime(timezone=True).dialect_impl(dialect).bind_processor(dialect)
    expected = stored_text(column.process_bind_param(value, dialect))
    assert column.bind_processor(dialect)(value) == expected
