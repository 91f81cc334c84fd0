"""Scale-out by shard leases: fair shares, takeover after a worker dies, and the epoch fence."""

from __future__ import annotations

import asyncio

from sitewarden.config.models import Config
from sitewarden.config.plan import CheckSpec
from sitewarden.engine.service import Engine
from sitewarden.engine.shards import ShardKeeper, shard_of
from sitewarden.engine.writer import PendingWrite
from sitewarden.results import Result, Status
from sitewarden.states import CheckState, Transition
from sitewarden.store.database import Database
from sitewarden.store.workers import publish_stats
from tests.fixtures.clock import FakeClock, run_for
from tests.fixtures.servers import FakeSite


def _alive(database: Database, clock: FakeClock, *workers: str) -> None:
    with database.transaction() as connection:
        for worker in workers:
            publish_stats(connection, worker, clock.now(), {}, clock.now())


def test_workers_split_the_shards_fairly_and_disjointly(database: Database) -> None:
    clock = FakeClock()
    a = ShardKeeper(database, "a", count=64, clock=clock)
    b = ShardKeeper(database, "b", count=64, clock=clock)
    _alive(database, clock, "a")
    a.maintain()
    assert len(a.epochs) == 64
    _alive(database, clock, "a", "b")
    b.maintain()
    assert b.epochs == {}  # nothing free until a gives back its excess
    gained, lost = a.maintain()
    assert (len(a.epochs), len(lost), gained) == (32, 32, set())
    b.maintain()
    assert len(b.epochs) == 32
    assert set(a.epochs).isdisjoint(b.epochs) and set(a.epochs) | set(b.epochs) == set(range(64))


def test_a_dead_workers_shards_move_after_the_lease_expires(database: Database) -> None:
    clock = FakeClock()
    a = ShardKeeper(database, "a", count=16, ttl=15, clock=clock)
    b = ShardKeeper(database, "b", count=16, ttl=15, clock=clock)
    _alive(database, clock, "a", "b")
    a.maintain()
    b.maintain()
    a.maintain()
    b.maintain()
    assert len(a.epochs) == len(b.epochs) == 8
    old_epochs = dict(a.epochs)
    clock.advance(10)
    _alive(database, clock, "b")
    b.maintain()
    assert len(b.epochs) == 8  # a's leases have not expired yet
    clock.advance(10)
    _alive(database, clock, "b")
    b.maintain()
    assert len(b.epochs) == 16
    assert all(b.epochs[shard] == epoch + 1 for shard, epoch in old_epochs.items())


def test_the_fence_drops_results_of_a_lost_shard(database: Database) -> None:
    clock = FakeClock()
    a = ShardKeeper(database, "a", count=4, ttl=15, clock=clock)
    b = ShardKeeper(database, "b", count=4, ttl=15, clock=clock)
    a.maintain()
    key = "shop/web"
    state = CheckState(hard=Status.OK, hard_since=clock.now(), soft=Status.OK)
    item = PendingWrite(1, Result(Status.OK, "ok"), state, (), key)
    with database.transaction() as connection:
        assert a.fence(connection, [item]) == [item]
    clock.advance(20)  # a stalls past its lease; b takes everything
    b.maintain()
    assert shard_of(key, 4) in b.epochs
    with database.transaction() as connection:
        assert a.fence(connection, [item]) == []
        assert b.fence(connection, [item]) == [item]


class _Runs:
    """Records which engine ran which check for which due time."""

    def __init__(self, engine_name: str, runs: list[tuple[str, str, float]]) -> None:
        self.engine_name, self.runs = engine_name, runs
        self.engine: Engine | None = None

    async def on_result(
        self, spec: CheckSpec, result: Result, state: CheckState, transition: Transition | None
    ) -> None:
        assert self.engine is not None
        self.runs.append((spec.key, self.engine_name, self.engine.checks[spec.key].due))


async def test_two_engines_share_a_fleet_without_running_a_check_twice(
    database: Database, database_url: str, fake_site: FakeSite
) -> None:
    fake_site.set("/", body="ok")
    config = Config.model_validate(
        {
            "defaults": {"interval": "1s", "timeout": "2s"},
            "store": {"url": database_url},
            "sites": [
                {"name": "shop", "url": fake_site.url, "checks": [{"name": f"c{i}", "kind": "http"} for i in range(30)]}
            ],
        }
    )
    clock = FakeClock()
    runs: list[tuple[str, str, float]] = []
    engines = []
    for name in ("a", "b"):
        listener = _Runs(name, runs)
        keeper = ShardKeeper(database, name, ttl=3, renew_every=1, clock=clock)
        listener.engine = Engine(config, database, worker_name=name, shards=keeper, clock=clock, listeners=[listener])
        engines.append(listener.engine)
    keepers = [engine.shards for engine in engines if engine.shards is not None]

    def idle() -> bool:
        return clock.sleeping >= 2 and not any(engine.dispatcher.running for engine in engines)

    def split() -> bool:
        return all(keeper.epochs for keeper in keepers) and len(keepers[0].epochs) + len(keepers[1].epochs) == 512

    stop = asyncio.Event()
    tasks = [asyncio.create_task(engine.run_forever(stop)) for engine in engines]
    for _ in range(10):  # lease rounds: b joins, a gives back its excess, b takes it
        await run_for(clock, 1.0, idle)
        if split():
            break
    owned = [set(keeper.epochs) for keeper in keepers]
    assert owned[0] and owned[1] and owned[0].isdisjoint(owned[1])
    start = clock.monotonic()
    await run_for(clock, 3.0, idle)
    end = clock.monotonic() - 1.0  # every run due before this has started (the loop wakes at least once a second)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 20)

    window = [(key, engine, due) for key, engine, due in runs if start < due <= end]
    keys = sorted(engines[0].checks)
    by_check = {key: [(engine, due) for run_key, engine, due in window if run_key == key] for key in keys}
    # Two intervals of 1 s: each check ran exactly twice, on one engine, once per due time.
    assert all(len(entries) == 2 for entries in by_check.values()), by_check
    assert all(len({engine for engine, _ in entries}) == 1 for entries in by_check.values()), by_check
    assert all(len({due for _, due in entries}) == 2 for entries in by_check.values()), by_check
    assert {engine for _, engine, _ in window} == {"a", "b"}
    with database.transaction() as connection:
        from sitewarden.store.leases import held

        assert held(connection, "a", clock.now()) == {} and held(connection, "b", clock.now()) == {}
