"""Bulk actions: what a plan covers, that each action writes what the engine and routing read, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from sitewarden.app.bulk import Actor, BulkRequest, apply_bulk, apply_previewed, bulk, plan_bulk, site_set_fingerprint
from sitewarden.errors import Conflict, NotFound, UsageError
from sitewarden.results import Status, utcnow
from sitewarden.states import CheckState
from sitewarden.store.audit import audit_entries
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database, open_database
from sitewarden.store.events import events_after
from sitewarden.store.maintenance import site_windows
from sitewarden.store.site_groups import group_edits
from sitewarden.store.states import save_states
from sitewarden.store.tables import commands, sites

NAMES = [f"site{number:02d}" for number in range(12)]
ACTOR = Actor("alice", "127.0.0.1", "cli")


def _site_rows(names: list[str]) -> list[SiteRow]:
    return [SiteRow(name, f"https://{name}.example.org/", ["customer-a"] * (name < "site06"), []) for name in names]


def _seed(database: Database, names: list[str]) -> dict[str, int]:
    """Sites with two checks each; odd sites' `web` check failing, site03's checks paused."""
    now = utcnow()
    rows = _site_rows(names)
    checks = ("web", "tls")
    check_rows = [CheckRow(f"{name}/{check}", name, check, "http", {}, 60.0) for name in names for check in checks]
    with database.transaction() as connection:
        ids = sync_config(connection, rows, check_rows, now)
        states = {}
        for name in names:
            for check in ("web", "tls"):
                failing = check == "web" and int(name[-2:]) % 2 == 1
                status = Status.ERROR if failing else Status.OK
                state = CheckState(status, now, status, last_status=status, last_result_at=now)
                state.paused = name == "site03"
                states[ids[f"{name}/{check}"]] = state
        save_states(connection, states, now)
    return ids


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    _seed(db, NAMES)
    yield db
    db.close()


def _commands(database: Database) -> list[tuple[str, str, str | None]]:
    with database.transaction() as connection:
        rows = connection.execute(select(commands.c.check_key, commands.c.action, commands.c.requested_by))
        return sorted((row[0], row[1], row[2]) for row in rows)


def _snapshot(database: Database) -> dict[str, Any]:
    """Everything a bulk action may write."""
    with database.transaction() as connection:
        return {
            "commands": _commands(database),
            "audit": [entry.action for entry in audit_entries(connection)],
            "events": [event.channel for event in events_after(connection, 0)],
            "windows": {name: site_windows(connection, name, utcnow()) for name in NAMES},
            "groups": dict(connection.execute(select(sites.c.name, sites.c.groups)).all()),
            "edits": group_edits(connection),
        }


def test_pause_by_query_queues_one_command_per_running_check_and_one_audit_record(database: Database) -> None:
    with database.transaction() as connection:
        done = bulk(connection, BulkRequest("pause", query="group:customer-a"), ACTOR, utcnow(), dry_run=False)
    assert done.sites == ["site00", "site01", "site02", "site03", "site04", "site05"]
    assert done.changes["site03"] == []  # already paused
    queued = _commands(database)
    assert len(queued) == 10 and ("site00/web", "pause", "alice") in queued
    with database.transaction() as connection:
        entries = audit_entries(connection)
    assert [(entry.action, entry.target) for entry in entries] == [("bulk.pause", "query group:customer-a")]
    assert entries[0].detail["count"] == 6 and entries[0].detail["changes"] == 10


def test_dry_run_lists_the_changes_and_writes_nothing(database: Database) -> None:
    before = _snapshot(database)
    with database.transaction() as connection:
        plan = bulk(connection, BulkRequest("acknowledge", sites=("site01", "site02")), ACTOR, utcnow(), dry_run=True)
    assert plan.changes == {"site01": ["acknowledge site01/web"], "site02": []}
    assert plan.as_dict(applied=False)["changed_sites"] == 1
    assert _snapshot(database) == before


def test_resume_run_now_maintenance_groups_and_notify(database: Database) -> None:
    now = utcnow()
    ends = now + timedelta(hours=2)
    with database.transaction() as connection:
        bulk(connection, BulkRequest("resume", sites=("site03", "site04")), ACTOR, now, dry_run=False)
        bulk(connection, BulkRequest("run_now", sites=("site05",)), ACTOR, now, dry_run=False)
        request = BulkRequest("maintenance", sites=("site07", "site08"), reason="PHP upgrade", ends_at=ends)
        bulk(connection, request, ACTOR, now, dry_run=False)
        bulk(connection, BulkRequest("add_group", query="name:site1*", group="wave-1"), ACTOR, now, dry_run=False)
        bulk(connection, BulkRequest("remove_group", sites=("site00",), group="customer-a"), ACTOR, now, dry_run=False)
        bulk(connection, BulkRequest("notify", sites=("site09",), message="Upgrade tonight"), ACTOR, now, dry_run=False)
    snapshot = _snapshot(database)
    assert ("site03/web", "resume", "alice") in snapshot["commands"]
    assert not any(key.startswith("site04") and action == "resume" for key, action, _ in snapshot["commands"])
    assert {(key, action) for key, action, _ in snapshot["commands"] if key.startswith("site05")} == {
        ("site05/tls", "run_now"),
        ("site05/web", "run_now"),
    }
    window = snapshot["windows"]["site07"][0]
    assert window.reason == "PHP upgrade" and window.ends_at == ends and window.created_by == "alice"
    assert snapshot["groups"]["site10"] == ["wave-1"] and snapshot["groups"]["site00"] == []
    assert ("site00", "customer-a", False) in snapshot["edits"]
    assert snapshot["events"] == ["site.site09.notice"]
    assert snapshot["audit"] == [
        "bulk.notify", "bulk.remove_group", "bulk.add_group", "bulk.maintenance", "bulk.run_now", "bulk.resume",
    ]  # fmt: skip


def _writes(database: Database) -> list[str]:
    """The INSERT and UPDATE statements sent from now on (to show that the failing action had written before)."""
    sent: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            sent.append(statement.split("(")[0].strip())

    event.listen(database.engine, "before_cursor_execute", seen)
    return sent


def test_a_site_removed_after_the_preview_fails_the_whole_action(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview covers site00..site11; site06 is dropped by a reload before the confirmation: nothing changes.

    Sites are changed four at a time here, so site00..site03 are written before site06 is found gone: the rollback
    of the one transaction is what keeps them unchanged.
    """
    monkeypatch.setattr("sitewarden.app.bulk.APPLY_CHUNK", 4)
    now = utcnow()
    with database.transaction() as connection:
        plan = plan_bulk(connection, BulkRequest("add_group", query="name:site*", group="wave-2"), now)
    assert len(plan.changed_sites) == 12
    kept = [name for name in NAMES if name != "site06"]
    with database.transaction() as connection:  # a reload without site06: its row is deactivated
        sync_config(connection, _site_rows(kept), [], now)
    before = _snapshot(database)
    writes = _writes(database)
    with pytest.raises(Conflict, match="site 'site06' was removed"), database.transaction() as connection:
        apply_bulk(connection, plan, ACTOR, now)
    assert "INSERT INTO site_group_edits" in writes and "UPDATE sites SET groups=" in " ".join(writes)
    assert _snapshot(database) == before


def test_pause_failing_midway_leaves_no_command(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sitewarden.app.bulk.APPLY_CHUNK", 5)
    now = utcnow()
    with database.transaction() as connection:
        plan = plan_bulk(connection, BulkRequest("pause", sites=tuple(NAMES)), now)
    with database.transaction() as connection:
        connection.execute(sites.update().where(sites.c.name == "site11").values(active=False))
    writes = _writes(database)
    with pytest.raises(Conflict), database.transaction() as connection:
        apply_bulk(connection, plan, ACTOR, now)
    assert writes.count("INSERT INTO commands") == 2  # two rounds of five sites written, then site11 is gone
    assert _commands(database) == []


def test_bad_requests_are_refused_with_a_reason(database: Database) -> None:
    now = utcnow()
    cases = [
        (BulkRequest("explode", sites=("site00",)), UsageError, "unknown bulk action"),
        (BulkRequest("pause"), UsageError, "a query or with a list"),
        (BulkRequest("pause", query="x", sites=("site00",)), UsageError, "a query or with a list"),
        (BulkRequest("pause", query="  "), UsageError, "an empty query names no sites"),
        (BulkRequest("maintenance", sites=("site00",), reason="x"), UsageError, "needs an end"),
        (BulkRequest("maintenance", sites=("site00",), ends_at=now + timedelta(hours=1)), UsageError, "reason"),
        (BulkRequest("maintenance", sites=("site00",), reason="x", ends_at=now), UsageError, "future"),
        (BulkRequest("add_group", sites=("site00",), group="a b"), UsageError, "group name"),
        (BulkRequest("notify", sites=("site00",), message=" "), UsageError, "needs its text"),
        (BulkRequest("pause", sites=("site00", "nosuch")), NotFound, "no active site named nosuch"),
    ]
    for request, error, text in cases:
        with pytest.raises(error, match=text), database.transaction() as connection:
            bulk(connection, request, ACTOR, now, dry_run=False)
    assert _commands(database) == []


def test_group_edits_survive_a_reload_of_the_config(sqlite_url: str) -> None:
    from sitewarden.config.loader import parse_config
    from sitewarden.engine.planning import Planner

    config = parse_config(
        f'store: {{url: "{sqlite_url}"}}\n'
        "sites:\n  - {name: shop, url: 'https://shop.example.org/', groups: [customer-a, sla-gold]}\n"
    )
    database = open_database(sqlite_url)
    planner = Planner(config, database)
    planner.sync(set(), utcnow())
    with database.transaction() as connection:
        bulk(connection, BulkRequest("add_group", sites=("shop",), group="wave-1"), ACTOR, utcnow(), dry_run=False)
        request = BulkRequest("remove_group", sites=("shop",), group="sla-gold")
        bulk(connection, request, ACTOR, utcnow(), dry_run=False)
    plan = planner.sync(set(), utcnow())
    with database.transaction() as connection:
        stored = connection.scalar(select(sites.c.groups).where(sites.c.name == "shop"))
    database.close()
    assert plan.config.sites[0].groups == ["customer-a", "wave-1"] and stored == ["customer-a", "wave-1"]


async def test_the_engine_takes_bulk_pause_and_run_now_like_single_commands(fake_site: Any, sqlite_url: str) -> None:
    import asyncio

    from sitewarden.config.loader import parse_config
    from sitewarden.engine.service import Engine
    from tests.fixtures.clock import FakeClock, run_for

    for n in "012":
        fake_site.set(f"/s{n}", body="ok")
    config = parse_config(
        f'defaults: {{interval: 10s}}\nstore: {{url: "{sqlite_url}"}}\nsites:\n'
        + "".join(
            f"  - {{name: s{n}, url: '{fake_site.url}s{n}', checks: [{{name: web, kind: http}}]}}\n" for n in range(3)
        )
    )
    database = open_database(sqlite_url)
    clock = FakeClock()
    engine = Engine(config, database, clock=clock)
    stop = asyncio.Event()
    task = asyncio.create_task(engine.run_forever(stop))
    idle = lambda: clock.sleeping >= 1 and not engine.dispatcher.running  # noqa: E731
    await run_for(clock, 10.5, idle)
    hits = {n: fake_site.behaviours[f"/s{n}"].hits for n in "012"}
    with database.transaction() as connection:
        bulk(connection, BulkRequest("run_now", query="name:s*"), ACTOR, utcnow(), dry_run=False)
    await run_for(clock, 1.5, idle)
    assert {n: fake_site.behaviours[f"/s{n}"].hits - hits[n] for n in "012"} == dict.fromkeys("012", 1)
    with database.transaction() as connection:
        bulk(connection, BulkRequest("pause", sites=("s1",)), ACTOR, utcnow(), dry_run=False)
    await run_for(clock, 1.5, idle)
    assert engine.checks["s1/web"].state.paused and not engine.checks["s0/web"].state.paused
    hits = {n: fake_site.behaviours[f"/s{n}"].hits for n in "012"}
    await run_for(clock, 25.0, idle)
    ran = {n: fake_site.behaviours[f"/s{n}"].hits - hits[n] for n in "012"}
    assert ran["1"] == 0 and ran["0"] >= 1 and ran["2"] >= 1  # s1 paused, the others on schedule
    stop.set()
    await asyncio.wait_for(task, 10)
    database.close()


def test_a_previewed_query_applies_only_while_it_names_the_same_sites(database: Database) -> None:
    now = utcnow()
    request = BulkRequest("pause", query="group:customer-a")
    with database.transaction() as connection:
        previewed = site_set_fingerprint(plan_bulk(connection, request, now).sites)
    assert previewed == site_set_fingerprint(list(reversed(NAMES[:6]))) and previewed.startswith("6:")
    with database.transaction() as connection:
        bulk(connection, BulkRequest("add_group", sites=("site07",), group="customer-a"), ACTOR, now, dry_run=False)
    before = _snapshot(database)
    with database.transaction() as connection, pytest.raises(Conflict, match=r"\(6 sites then, 7 now\); nothing"):
        apply_previewed(connection, request, previewed, ACTOR, now)
    assert _snapshot(database) == before
    with database.transaction() as connection:
        done = apply_previewed(connection, request, site_set_fingerprint(NAMES[:6] + ["site07"]), ACTOR, now)
    assert done.sites == [*NAMES[:6], "site07"] and _snapshot(database)["audit"][0] == "bulk.pause"
