from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from sitewarden.errors import StoreError
from sitewarden.results import utcnow
from sitewarden.store.database import open_database
from sitewarden.store.heartbeats import (
    KEEP_PINGS,
    MAX_BODY,
    HeartbeatSpec,
    heartbeat_facts,
    list_heartbeats,
    record_ping,
    sync_heartbeats,
)
from tests.fixtures.store_reads import recent_pings

FIXED = "6f1c1f0e-58d9-4e39-9b51-0d8e6c0e2a11"


def test_first_sync_makes_a_uuid_and_later_syncs_keep_it(database_url: str) -> None:
    database = open_database(database_url)
    now = utcnow()
    try:
        with database.transaction() as connection:
            first = sync_heartbeats(connection, [HeartbeatSpec("backup", None, 3600, 600)], now)
        uuid.UUID(first["backup"])
        with database.transaction() as connection:
            again = sync_heartbeats(connection, [HeartbeatSpec("backup", None, 7200, 600)], now)
            facts = heartbeat_facts(connection, "backup")
        assert again == first
        assert facts is not None and facts.period == 7200 and facts.ping_path == f"/ping/{first['backup']}"
        with database.transaction() as connection:
            fixed = sync_heartbeats(connection, [HeartbeatSpec("backup", FIXED.upper(), 3600, 600)], now)
        assert fixed == {"backup": FIXED}
    finally:
        database.close()


def test_configured_uuid_moves_from_a_removed_check(database_url: str) -> None:
    database = open_database(database_url)
    now = utcnow()
    try:
        with database.transaction() as connection:
            sync_heartbeats(connection, [HeartbeatSpec("old", FIXED, 60, 60)], now)
            sync_heartbeats(connection, [HeartbeatSpec("new", FIXED, 60, 60)], now)
            assert [facts.check_key for facts in list_heartbeats(connection)] == ["new"]
    finally:
        database.close()


def test_pings_give_last_kinds_and_run_durations(database_url: str) -> None:
    database = open_database(database_url)
    start = utcnow() - timedelta(minutes=10)
    try:
        with database.transaction() as connection:
            uuid_ = sync_heartbeats(connection, [HeartbeatSpec("job", None, 3600, 600)], start)["job"]
            assert record_ping(connection, uuid_, "start", start)
            assert record_ping(connection, uuid_, "success", start + timedelta(seconds=42), method="POST", body="ok")
            assert record_ping(connection, uuid_, "start", start + timedelta(minutes=5))
            facts = heartbeat_facts(connection, "job")
        assert facts is not None
        assert facts.last_kind == "start" and facts.running_since == start + timedelta(minutes=5)
        assert facts.last_success_at == start + timedelta(seconds=42)
        assert facts.last_duration_s == pytest.approx(42)
        with database.transaction() as connection:
            record_ping(connection, uuid_, "fail", start + timedelta(minutes=6), body="disk full")
            facts = heartbeat_facts(connection, "job")
            pings = recent_pings(connection, "job")
        assert facts is not None and facts.last_kind == "fail" and facts.running_since is None
        assert facts.last_duration_s == pytest.approx(60) and facts.last_body == "disk full"
        assert [ping["kind"] for ping in pings] == ["fail", "start", "success", "start"]
    finally:
        database.close()


def test_unknown_uuid_is_refused_and_bodies_are_capped(database_url: str) -> None:
    database = open_database(database_url)
    now = utcnow()
    try:
        with database.transaction() as connection:
            uuid_ = sync_heartbeats(connection, [HeartbeatSpec("job", None, 60, 60)], now)["job"]
            assert not record_ping(connection, FIXED, "success", now)
            record_ping(connection, uuid_, "success", now, body="x" * (MAX_BODY + 500))
            assert len(recent_pings(connection, "job")[0]["body"]) == MAX_BODY
            with pytest.raises(StoreError):
                record_ping(connection, uuid_, "finish", now)
    finally:
        database.close()


def test_old_pings_are_pruned(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    now = utcnow()
    try:
        with database.transaction() as connection:
            uuid_ = sync_heartbeats(connection, [HeartbeatSpec("job", None, 60, 60)], now)["job"]
            for index in range(KEEP_PINGS + 5):
                record_ping(connection, uuid_, "success", now + timedelta(seconds=index))
            pings = recent_pings(connection, "job", limit=1000)
        assert len(pings) == KEEP_PINGS
        assert pings[0]["received_at"] == now + timedelta(seconds=KEEP_PINGS + 4)
    finally:
        database.close()
