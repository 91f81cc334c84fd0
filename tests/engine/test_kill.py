"""A `sitewarden run` killed with SIGKILL loses nothing it had flushed, and the SQLite file stays sound."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

from tests.fixtures.servers import FakeSite


def _count(database: Path) -> int:
    if not database.exists():
        return 0
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        return int(connection.execute("select count(*) from results").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        connection.close()


async def _wait_for_results(database: Path, at_least: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        count = _count(database)
        if count >= at_least:
            return count
        await asyncio.sleep(0.2)
    raise AssertionError(f"fewer than {at_least} results after {timeout} s")


async def test_sigkill_keeps_flushed_results_and_a_sound_database(tmp_path: Path, fake_site: FakeSite) -> None:
    fake_site.set("/", body="Add to cart")
    checks = "\n".join(f"      - {{name: c{i}, kind: http, keyword: Add}}" for i in range(20))
    config = tmp_path / "sitewarden.yaml"
    config.write_text(
        f"""
defaults: {{interval: 0.2s, retry_interval: 0.2s, timeout: 2s}}
store: {{url: "sqlite:///sw.db", sample_every: 0.1s}}  # every result in full, so the count is exact
sites:
  - name: shop
    url: {fake_site.url}
    checks:
{checks}
"""
    )
    database = tmp_path / "sw.db"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sitewarden",
        "run",
        "-c",
        str(config),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        seen = await _wait_for_results(database, 100)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        await process.wait()
    assert process.returncode == -signal.SIGKILL

    connection = sqlite3.connect(database)
    try:
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        after_kill = connection.execute("select count(*) from results").fetchone()[0]
        states = connection.execute("select count(*) from states").fetchone()[0]
    finally:
        connection.close()
    assert after_kill >= seen
    assert states == 20

    restart = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sitewarden",
        "run",
        "--once",
        "-c",
        str(config),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(restart.communicate(), 60)
    assert restart.returncode == 0, stderr.decode()
    assert _count(database) == after_kill + 20
