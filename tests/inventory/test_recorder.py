"""The recorder stores snapshots with history and writes one update event per changed item (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sitewarden.config.plan import CheckSpec
from sitewarden.events.model import EventType
from sitewarden.inventory.model import Component, InventorySnapshot
from sitewarden.inventory.recorder import InventoryRecorder
from sitewarden.inventory.typo3_client import Typo3ClientParams
from sitewarden.results import Result, Status
from sitewarden.store.database import Database, open_database
from sitewarden.store.events import recent_events
from sitewarden.store.inventory import latest_snapshots, snapshot_history

SPEC = CheckSpec(
    key="t3/inventory",
    site="t3",
    name="inventory",
    kind="typo3_client",
    params=Typo3ClientParams(kind="typo3_client"),
    interval=60,
    retry_interval=20,
    timeout=10,
    failure_threshold=3,
    success_threshold=1,
)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.close()


def snapshot(core: str, news: str, *, evidence: str = "t3monitoring_client JSON") -> InventorySnapshot:
    return InventorySnapshot(
        cms="typo3",
        cms_version=core,
        cms_version_precision="exact",
        php_version="8.2.15",
        components=[
            Component(kind="extension", key="news", version=news, active=True),
            Component(kind="extension", key="seo", version="9.0.0", active=True),
        ],
        extra={"note": evidence},
        source="typo3_client",
    )


async def record(recorder: InventoryRecorder, snap: InventorySnapshot) -> None:
    result = Result(Status.OK, "ok", attachments={"inventory": snap})
    await recorder.on_result(SPEC, result, None, None)


async def test_unchanged_snapshot_produces_no_event_and_no_new_row(database: Database) -> None:
    recorder = InventoryRecorder(database)
    await record(recorder, snapshot("12.4.10", "11.3.0"))
    await record(recorder, snapshot("12.4.10", "11.3.0"))
    await record(recorder, snapshot("12.4.10", "11.3.0", evidence="refreshed detail"))
    with database.transaction() as connection:
        assert recent_events(connection) == []
        history = snapshot_history(connection, "t3", "inventory")
    assert len(history) == 1
    assert history[0].snapshot.extra == {"note": "refreshed detail"}


async def test_changed_snapshot_produces_one_event_per_changed_item(database: Database) -> None:
    recorder = InventoryRecorder(database)
    await record(recorder, snapshot("12.4.10", "11.3.0"))
    await record(recorder, snapshot("12.4.11", "11.4.0"))
    with database.transaction() as connection:
        events = recent_events(connection)
        history = snapshot_history(connection, "t3", "inventory")
        latest = latest_snapshots(connection)
    assert sorted(event.message for event in events) == [
        "t3: TYPO3 core TYPO3 12.4.10 → TYPO3 12.4.11",
        "t3: extension news 11.3.0 → 11.4.0",
    ]
    assert {event.type for event in events} == {EventType.UPDATE}
    assert {event.channel for event in events} == {"site.t3.inventory"}
    core = next(event for event in events if event.payload["kind"] == "core")
    assert (core.payload["old"], core.payload["new"], core.payload["change"]) == (
        "TYPO3 12.4.10",
        "TYPO3 12.4.11",
        "updated",
    )
    assert [stored.snapshot.cms_version for stored in history] == ["12.4.11", "12.4.10"]
    assert len(latest) == 1 and latest[0].snapshot.cms_version == "12.4.11"


async def test_results_without_a_snapshot_are_ignored(database: Database) -> None:
    recorder = InventoryRecorder(database)
    await recorder.on_result(SPEC, Result(Status.ERROR, "timed out"), None, None)
    with database.transaction() as connection:
        assert latest_snapshots(connection) == []
