"""Start lag is measured from the due time to the pool slot, so a wait for the pool counts and the duration does not."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from sitewarden.config.loader import parse_config
from sitewarden.engine.service import Engine
from sitewarden.store.database import Database, open_database
from tests.fixtures.clock import FakeClock
from tests.fixtures.servers import FakeSite


@pytest.fixture
def database(sqlite_url: str) -> Iterator[Database]:
    db = open_database(sqlite_url)
    yield db
    db.close()


async def test_waiting_for_a_pool_slot_counts_as_start_lag(
    fake_site: FakeSite, database: Database, sqlite_url: str
) -> None:
    fake_site.set("/", body="ok")
    config = parse_config(
        f"""
store: {{url: "{sqlite_url}"}}
pools: {{network: 1}}
sites:
  - {{name: shop, url: "{fake_site.url}", checks: [{{name: web, kind: http}}]}}
"""
    )
    clock = FakeClock()
    engine = Engine(config, database, clock=clock)
    slot = engine.pools.get("network")
    await slot.acquire()  # another check holds the only slot
    due = clock.monotonic()
    run = asyncio.create_task(engine.executor.run(engine.checks["shop/web"], due))
    await asyncio.sleep(0.01)
    clock.advance(3.0)
    assert engine.stats.lag.count == 0  # still waiting: not started yet
    slot.release()
    result = await asyncio.wait_for(run, 10)
    histogram = engine.stats.lag.snapshot()
    assert histogram["count"] == 1 and histogram["sum"] == pytest.approx(3.0)
    buckets = dict(zip(histogram["le"], histogram["buckets"], strict=False))  # type: ignore[call-overload]
    assert buckets[2.5] == 0 and buckets[5.0] == 1
    assert result.duration_ms < 3000  # the wait is lag, not response time
    assert engine.figures()["lag_p99_seconds"] == pytest.approx(3.0)
