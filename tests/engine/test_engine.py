"""The engine against a real loopback site: states, thresholds, schedules, commands and store-defined sites."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from sitewarden.config.loader import parse_config
from sitewarden.config.plan import CheckSpec
from sitewarden.engine.service import Engine
from sitewarden.results import Result, Status, utcnow
from sitewarden.states import CheckState, Transition
from sitewarden.store.commands import request_command
from sitewarden.store.database import Database
from sitewarden.store.events import events_after
from sitewarden.store.sites import delete_site_definition, save_site_definition
from sitewarden.store.states import load_states
from tests.fixtures.clock import FakeClock, run_for
from tests.fixtures.servers import FakeSite
from tests.fixtures.store_reads import count_results, rollup_rows


def _config(url: str, database_url: str, extra: str = "", threshold: int = 2):  # type: ignore[no-untyped-def]
    return parse_config(
        f"""
defaults: {{interval: 0.2s, retry_interval: 0.1s, timeout: 2s, failure_threshold: {threshold}}}
store: {{url: "{database_url}"}}
sites:
  - name: shop
    url: {url}
    checks:
      - {{name: web, kind: http, keyword: "Add to cart"}}
      - {{name: health, kind: http, url: /health}}
{extra}
"""
    )


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    """The engine's scheduling tests need one backend: the shared SQLite store."""
    return sqlite_database


class _RunTimes:
    """Records the fake time of every run of one check."""

    def __init__(self, key: str, clock: FakeClock, runs: list[float]) -> None:
        self.key, self.clock, self.runs = key, clock, runs

    async def on_result(
        self, spec: CheckSpec, result: Result, state: CheckState, transition: Transition | None
    ) -> None:
        if spec.key == self.key:
            self.runs.append(self.clock.monotonic())


def _rollups(connection: Any, engine: Engine, key: str) -> list[dict[str, Any]]:
    return rollup_rows(connection, engine.checks[key].check_id, datetime(2000, 1, 1, tzinfo=UTC))


def _idle(engine: Engine, clock: FakeClock) -> Callable[[], bool]:
    """The engine waits for its next due time and no check is running."""
    return lambda: clock.sleeping >= 1 and not engine.dispatcher.running


async def test_run_once_stores_results_and_pending_states(
    fake_site: FakeSite, database: Database, sqlite_url: str
) -> None:
    fake_site.set("/", body="<button>Add to cart</button>")
    fake_site.set("/health", status=500)
    engine = Engine(_config(fake_site.url, sqlite_url), database)
    outcomes = {spec.key: result for spec, result in await engine.run_once()}
    assert outcomes["shop/web"].status is Status.OK
    assert outcomes["shop/health"].status is Status.ERROR
    with database.transaction() as connection:
        states = load_states(connection)
        assert count_results(connection) == 2
    web_state = states[engine.checks["shop/web"].check_id]
    health_state = states[engine.checks["shop/health"].check_id]
    assert web_state.hard is Status.OK
    assert health_state.hard is None and health_state.soft is Status.ERROR and health_state.attempts == 1


async def test_failure_becomes_hard_after_threshold_with_one_event(
    fake_site: FakeSite, database: Database, sqlite_url: str
) -> None:
    fake_site.set("/", body="Add to cart")
    fake_site.set("/health", status=503)
    config = _config(fake_site.url, sqlite_url, threshold=3)
    for _ in range(4):
        await Engine(config, database).run_once()
    with database.transaction() as connection:
        events = events_after(connection, 0)
    health = [event for event in events if event.channel == "site.shop.health"]
    assert len(health) == 1
    assert health[0].severity.label == "error" and "status 503" in health[0].message


async def test_daemon_runs_on_schedule_and_stops_cleanly(
    fake_site: FakeSite, database: Database, sqlite_url: str
) -> None:
    fake_site.set("/", body="Add to cart")
    fake_site.set("/health", body="ok")
    clock = FakeClock()
    engine = Engine(_config(fake_site.url, sqlite_url), database, clock=clock)
    stop = asyncio.Event()
    task = asyncio.create_task(engine.run_forever(stop))
    await run_for(clock, 1.5, _idle(engine, clock))
    stop.set()
    await asyncio.wait_for(task, 10)
    with database.transaction() as connection:
        stored = count_results(connection)
        counted = sum(row["count"] for key in ("shop/web", "shop/health") for row in _rollups(connection, engine, key))
    # Each check's first ok result is stored in full; the repeats only count in the hourly rollups.
    assert stored == 2 and stored + engine.writer.folded == engine.stats.runs == counted
    # Every 0.2 s at a stable phase: the first run within the first interval, then one per interval.
    assert 7 <= fake_site.behaviours["/"].hits <= 8


async def test_commands_pause_and_run_now_reach_the_engine(
    fake_site: FakeSite, database: Database, sqlite_url: str
) -> None:
    fake_site.set("/", body="Add to cart")
    fake_site.set("/health", body="ok")
    config = _config(fake_site.url, sqlite_url).model_copy()
    clock = FakeClock()
    web_runs: list[float] = []
    engine = Engine(config, database, clock=clock, listeners=[_RunTimes("shop/web", clock, web_runs)])
    with database.transaction() as connection:
        request_command(connection, "shop/health", "pause", utcnow(), requested_by="tester")
    stop = asyncio.Event()
    task = asyncio.create_task(engine.run_forever(stop))
    await run_for(clock, 1.5, _idle(engine, clock))
    paused_hits = fake_site.behaviours["/health"].hits
    with database.transaction() as connection:
        request_command(connection, "shop/web", "run_now", utcnow(), requested_by="tester")
    before = len(web_runs)
    await run_for(clock, 1.0, _idle(engine, clock))
    assert engine.checks["shop/health"].state.paused
    assert fake_site.behaviours["/health"].hits == paused_hits
    # Commands are taken once a second (at 2.0 here); "run now" moves web's next run (due at 2.13) to then.
    later = web_runs[before:]
    assert any(2.0 <= at < 2.1 for at in later), later
    assert len(later) == 5
    stop.set()
    await asyncio.wait_for(task, 10)
    with database.transaction() as connection:
        assert load_states(connection)[engine.checks["shop/health"].check_id].paused


async def test_store_defined_sites_are_run_and_reloaded(
    fake_site: FakeSite, database: Database, sqlite_url: str
) -> None:
    fake_site.set("/", body="Add to cart")
    fake_site.set("/health", body="ok")
    fake_site.set("/blog", body="blog")
    clock = FakeClock()
    engine = Engine(_config(fake_site.url, sqlite_url), database, clock=clock)
    definition = {
        "name": "blog",
        "url": fake_site.url + "blog",
        "checks": [{"name": "web", "kind": "http", "keyword": "blog"}],
    }
    with database.transaction() as connection:
        save_site_definition(connection, definition, "api", utcnow())
        request_command(connection, "*", "reload", utcnow())
    stop = asyncio.Event()
    task = asyncio.create_task(engine.run_forever(stop))
    await run_for(clock, 2.0, _idle(engine, clock))
    stop.set()
    await asyncio.wait_for(task, 10)
    assert "blog/web" in engine.checks
    assert engine.checks["blog/web"].state.hard is Status.OK
    assert fake_site.behaviours["/blog"].hits >= 1


async def test_reload_adds_and_drops_store_defined_checks_off_the_loop(
    fake_site: FakeSite, database: Database, sqlite_url: str
) -> None:
    engine = Engine(_config(fake_site.url, sqlite_url), database, clock=FakeClock())
    definition = {"name": "blog", "url": fake_site.url + "blog", "checks": [{"name": "web", "kind": "http"}]}
    with database.transaction() as connection:
        save_site_definition(connection, definition, "api", utcnow())
    ticks = 0
    reloading = True

    async def ticker() -> None:
        nonlocal ticks
        while reloading:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    before = ticks
    assert await engine.reload() == (1, 0)
    reloading = False
    await task
    assert ticks > before  # the loop kept running while the store was synced
    assert "blog/web" in engine.checks and "blog/web" in engine.scheduler
    with database.transaction() as connection:
        delete_site_definition(connection, "blog")
    assert await engine.reload() == (0, 1)
    assert "blog/web" not in engine.checks and "blog/web" not in engine.scheduler


async def test_a_reload_moves_the_offered_rate_by_its_changes(
    fake_site: FakeSite, database: Database, sqlite_url: str
) -> None:
    engine = Engine(_config(fake_site.url, sqlite_url), database, clock=FakeClock())
    engine.load.offered = 10.0  # two checks at 0.2 s, as the start measures it
    blog = '  - name: blog\n    url: "http://127.0.0.1:1/"\n    checks:\n      - {name: web, kind: http, interval: 4s}'
    changed = _config(fake_site.url, sqlite_url, extra=blog)
    assert await engine.reload_file(changed) == (1, 0)
    assert engine.load.offered == pytest.approx(10.25)  # one check added at 4 s
    assert engine.load.offered == pytest.approx(sum(1 / check.spec.interval for check in engine.checks.values()))
    assert await engine.reload_file(_config(fake_site.url, sqlite_url)) == (0, 1)
    assert engine.load.offered == pytest.approx(10.0)
