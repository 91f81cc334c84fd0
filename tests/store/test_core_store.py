"""The core store on SQLite and PostgreSQL: migrations, batched writes, states, rollups, pruning, commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from sitewarden.engine.writer import PendingWrite, write_batch
from sitewarden.errors import SitewardenError
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.results import Metric, Result, Status
from sitewarden.states import CheckState
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.commands import request_command, take_commands
from sitewarden.store.database import Database
from sitewarden.store.events import events_after
from sitewarden.store.results import prune_results, recent_results
from sitewarden.store.sites import save_site_definition, site_definitions_list
from sitewarden.store.states import load_states, state_rows
from sitewarden.store.tables import checks
from tests.fixtures.store_reads import count_results, rollup_rows

NOW = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


def _sync(database: Database) -> dict[str, int]:
    with database.transaction() as connection:
        return sync_config(
            connection,
            [SiteRow("shop", "https://shop.example.org/", ["gold"], ["ops@example.org"])],
            [
                CheckRow("shop/web", "shop", "web", "http", {"kind": "http"}, 60.0),
                CheckRow("api", None, "api", "http", {}, 30),
            ],
            NOW,
        )


def test_migrations_are_idempotent(database: Database) -> None:
    assert database.upgrade() == []
    assert database.pending_migrations() == []


def test_sync_keeps_ids_and_deactivates_removed_checks(database: Database) -> None:
    first = _sync(database)
    assert _sync(database) == first
    with database.transaction() as connection:
        sync_config(connection, [], [CheckRow("api", None, "api", "http", {}, 30)], NOW)
        rows = state_rows(connection)
    assert [row["key"] for row in rows] == ["api"]


def test_sync_rewrites_only_checks_whose_definition_changed(database: Database) -> None:
    def rows(keyword: str) -> list[CheckRow]:
        return [
            CheckRow("shop/web", "shop", "web", "http", {"url": "/", "keyword": keyword}, 60),
            CheckRow("shop/api", "shop", "api", "http", {"url": "/api"}, 60),
        ]

    def stored() -> dict[str, tuple[object, ...]]:
        with database.transaction() as connection:
            found = connection.execute(select(checks.c.key, checks.c.params, checks.c.updated_at, checks.c.spec_hash))
            return {row.key: (row.params, row.updated_at, row.spec_hash) for row in found}

    site = [SiteRow("shop", "http://127.0.0.1/", [], [])]
    later = NOW + timedelta(minutes=5)
    with database.transaction() as connection:
        sync_config(connection, site, rows("Cart"), NOW)
    first = stored()
    with database.transaction() as connection:
        sync_config(connection, site, rows("Basket"), later)
        connection.execute(update(checks).where(checks.c.key == "shop/api").values(spec_hash=None))  # unknown digest
    second = stored()
    assert second["shop/web"][0] == {"url": "/", "keyword": "Basket"} and second["shop/web"][1] == later
    assert second["shop/web"][2] != first["shop/web"][2]
    assert second["shop/api"][1] == NOW  # unchanged: not written
    with database.transaction() as connection:
        sync_config(connection, site, rows("Basket"), later + timedelta(minutes=5))
    third = stored()
    assert third["shop/web"][1] == later  # unchanged again
    assert third["shop/api"][2] == first["shop/api"][2]  # a row without a digest is written once, and gets it


def test_results_states_rollups_and_events_are_written_in_one_batch(database: Database) -> None:
    ids = _sync(database)
    web = ids["shop/web"]
    state = CheckState(hard=Status.ERROR, hard_since=NOW, soft=Status.ERROR, memory={"offset": 42})
    event = Event(EventType.AVAILABILITY, Severity.ERROR, "site.shop.web", "shop/web is error", site="shop")
    batch = [
        PendingWrite(
            web, Result(Status.OK, "fine", [Metric("total_ms", 12.5, "ms")], started_at=NOW, duration_ms=12.5), state
        ),
        PendingWrite(
            web,
            Result(Status.ERROR, "status 500", started_at=NOW + timedelta(minutes=1), duration_ms=30.0),
            state,
            (event,),
        ),
    ]
    write_batch(database, batch)
    with database.transaction() as connection:
        stored = recent_results(connection, web)
        states = load_states(connection)
        hours = rollup_rows(connection, web, NOW - timedelta(hours=1))
        events = events_after(connection, 0)
    assert [item.result.summary for item in stored] == ["status 500", "fine"]
    assert stored[1].result.metrics == [Metric("total_ms", 12.5, "ms")]
    assert stored[1].result.started_at == NOW
    assert states[web].hard is Status.ERROR and states[web].memory == {"offset": 42}
    assert len(hours) == 1
    assert (hours[0]["count"], hours[0]["ok"], hours[0]["error"], hours[0]["duration_max"]) == (2, 1, 1, 30.0)
    assert [item.message for item in events] == ["shop/web is error"] and events[0].id is not None


def test_rollups_accumulate_across_batches(database: Database) -> None:
    web = _sync(database)["shop/web"]
    state = CheckState(hard=Status.OK, hard_since=NOW, soft=Status.OK)
    for minute in range(3):
        result = Result(Status.OK, "ok", started_at=NOW + timedelta(minutes=minute), duration_ms=10.0 + minute)
        write_batch(database, [PendingWrite(web, result, state)])
    with database.transaction() as connection:
        (hour,) = rollup_rows(connection, web, NOW - timedelta(hours=1))
    assert (hour["count"], hour["duration_sum"], hour["duration_min"]) == (3, 33.0, 10.0)


def test_old_results_are_pruned(database: Database) -> None:
    web = _sync(database)["shop/web"]
    state = CheckState(hard=Status.OK, hard_since=NOW, soft=Status.OK)
    old = Result(Status.OK, "old", started_at=NOW - timedelta(days=40))
    new = Result(Status.OK, "new", started_at=NOW)
    write_batch(database, [PendingWrite(web, old, state), PendingWrite(web, new, state)])
    with database.transaction() as connection:
        assert prune_results(connection, NOW - timedelta(days=30)) == 1
        assert count_results(connection, web) == 1


def test_a_command_is_taken_exactly_once(database: Database) -> None:
    _sync(database)
    with database.transaction() as connection:
        request_command(connection, "shop/web", "run_now", NOW, requested_by="admin")
        request_command(connection, "other/check", "pause", NOW)
    with database.transaction() as connection:
        taken = take_commands(connection, "worker-a", NOW, {"shop/web"})
    with database.transaction() as connection:
        again = take_commands(connection, "worker-b", NOW, {"shop/web"})
    assert [(command.check_key, command.action) for command in taken] == [("shop/web", "run_now")]
    assert again == []


def test_store_defined_sites_cannot_replace_config_sites(database: Database) -> None:
    _sync(database)
    with database.transaction() as connection:
        assert save_site_definition(connection, {"name": "blog", "url": "https://blog.example.org/"}, "api", NOW)
        assert not save_site_definition(connection, {"name": "blog", "url": "https://b2.example.org/"}, "api", NOW)
        assert site_definitions_list(connection) == [{"name": "blog", "url": "https://b2.example.org/"}]
    with pytest.raises(SitewardenError, match="defined in the config file"), database.transaction() as connection:
        save_site_definition(connection, {"name": "shop", "url": "https://x.example.org/"}, "api", NOW)
