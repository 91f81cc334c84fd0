"""Two real `sitewarden worker` processes on PostgreSQL: the fleet is split, and a killed worker's share moves.

Short leases (3 s, renewed every second) keep the takeover quick; the lease logic itself is tested on a fake clock.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sitewarden.store.database import open_database
from sitewarden.store.tables import results, shard_leases
from tests.fixtures.database import create_postgres_database, drop_postgres_database, postgres_available
from tests.fixtures.servers import FakeSite

pytestmark = pytest.mark.postgres


def _holders(url: str) -> dict[str, int]:
    database = open_database(url)
    try:
        with database.transaction() as connection:
            query = (
                select(shard_leases.c.worker, func.count())
                .where(shard_leases.c.worker.is_not(None), shard_leases.c.expires_at > func.now())
                .group_by(shard_leases.c.worker)
            )
            return {str(worker): int(count) for worker, count in connection.execute(query)}
    finally:
        database.close()


def _result_count(url: str) -> int:
    database = open_database(url)
    try:
        with database.transaction() as connection:
            return int(connection.scalar(select(func.count()).select_from(results)) or 0)
    finally:
        database.close()


async def _until(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if await asyncio.to_thread(predicate):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s")


async def test_a_killed_workers_shards_move_to_the_survivor(tmp_path: Path, fake_site: FakeSite) -> None:
    if not postgres_available():
        pytest.fail("PostgreSQL on 127.0.0.1:5432 is not reachable") if os.environ.get("CI") else pytest.skip(
            "no PostgreSQL"
        )
    fake_site.set("/", body="ok")
    url = create_postgres_database()
    checks = "\n".join(f"      - {{name: c{i}, kind: http}}" for i in range(40))
    config = tmp_path / "sitewarden.yaml"
    config.write_text(
        f"""
defaults: {{interval: 1s, retry_interval: 1s, timeout: 2s}}
store: {{url: "{url}", sample_every: 0.5s}}
workers: {{lease: 3s, renew_every: 1s}}
sites:
  - name: shop
    url: {fake_site.url}
    checks:
{checks}
"""
    )
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sitewarden", "worker", "--no-notify", "-c", str(config),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )
        for _ in range(2)
    ]  # fmt: skip
    try:
        await _until(lambda: len(_holders(url)) == 2 and sum(_holders(url).values()) == 512, 90, "a two-way split")
        split = _holders(url)
        assert all(count >= 200 for count in split.values()), split
        os.kill(workers[0].pid, signal.SIGKILL)
        await workers[0].wait()
        # The survivor takes the dead worker's shards once their 3 s leases expire.
        await _until(lambda: list(_holders(url).values()) == [512], 60, "the takeover")
        before = _result_count(url)
        await _until(lambda: _result_count(url) >= before + 40, 45, "checks running on the survivor")
    finally:
        for process in workers:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 20)
        drop_postgres_database(url)
