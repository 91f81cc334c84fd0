"""Scale-out by shard leases: fair shares, takeover after a worker dies, and the epoch fence."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from sitewarden.config.models import Config
from sitewarden.engine.service import Engine
from sitewarden.engine.shards import ShardKeeper, shard_of
from sitewarden.engine.writer import PendingWrite
from sitewarden.results import Result, Status
from sitewarden.states import CheckState
from sitewarden.store.database import Database, open_database
from sitewarden.store.workers import publish_stats
from tests.fixtures.servers import FakeSite


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.close()


def _alive(database: Database, clock: Clock, *workers: str) -> None:
    with database.transaction() as connection:
        for worker in workers:
            publish_stats(connection, worker, clock.now, {}, clock.now)


def test_workers_split_the_shards_fairly_and_disjointly(database: Database) -> None:
    clock = Clock()
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
    clock = Clock()
    a = ShardKeeper(database, "a", count=16, ttl=15, clock=clock)
    b = ShardKeeper(database, "b", count=16, ttl=15, clock=clock)
    _alive(database, clock, "a", "b")
    a.maintain()
    b.maintain()
    a.maintain()
    b.maintain()
    assert len(a.epochs) == len(b.epochs) == 8
    old_epochs = dict(a.epochs)
    clock.now += timedelta(seconds=10)
    _alive(database, clock, "b")
    b.maintain()
    assert len(b.epochs) == 8  # a's leases have not expired yet
    clock.now += timedelta(seconds=10)
    _alive(database, clock, "b")
    b.maintain()
    assert len(b.epochs) == 16
    assert all(b.epochs[shard] == epoch + 1 for shard, epoch in old_epochs.items())


def test_the_fence_drops_results_of_a_lost_shard(database: Database) -> None:
    clock = Clock()
    a = ShardKeeper(database, "a", count=4, ttl=15, clock=clock)
    b = ShardKeeper(database, "b", count=4, ttl=15, clock=clock)
    a.maintain()
    key = "shop/web"
    state = CheckState(hard=Status.OK, hard_since=clock.now, soft=Status.OK)
    item = PendingWrite(1, Result(Status.OK, "ok"), state, (), key)
    with database.transaction() as connection:
        assert a.fence(connection, [item]) == [item]
    clock.now += timedelta(seconds=20)  # a stalls past its lease; b takes everything
    b.maintain()
    assert shard_of(key, 4) in b.epochs
    with database.transaction() as connection:
        assert a.fence(connection, [item]) == []
        assert b.fence(connection, [item]) == [item]


async def test_two_engines_share_a_fleet_without_running_a_check_twice(
    database: Database, database_url: str, fake_site: FakeSite
) -> None:
    fake_site.set("/", body="ok")
    config = Config.model_validate(
        {
            "defaults": {"interval": "0.5s", "timeout": "2s"},
            "store": {"url": database_url},
            "sites": [
                {"name": "shop", "url": fake_site.url, "checks": [{"name": f"c{i}", "kind": "http"} for i in range(30)]}
            ],
        }
    )
    engines = [Engine(config, database, worker_name=name, shards=ShardKeeper(database, name)) for name in ("a", "b")]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(engine.run_forever(stop)) for engine in engines]
    await asyncio.sleep(7)  # two lease rounds: b joins, a gives back its excess, b takes it
    owned = [set(engine.shards.epochs) for engine in engines if engine.shards is not None]
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 20)
    assert owned[0] and owned[1] and owned[0].isdisjoint(owned[1])
    assert all(engine.stats.runs > 0 for engine in engines)
    with database.transaction() as connection:
        from sitewarden.store.leases import held

        assert held(connection, "a", datetime.now(UTC)) == {} and held(connection, "b", datetime.now(UTC)) == {}
