"""A config reload at fleet size: what `reload_file` (SIGHUP) costs the event loop of a running daemon.

In one process: the fleet of bench/scale.py (HTTP checks against a closed loopback port, a long interval so that
few checks run meanwhile) on a temporary SQLite store, started as `sitewarden run` starts it (`run_daemon`). Once
it settled, a monitor task sleeps 1 ms in a loop and records each overshoot (a loop stall) while the engine
reloads the same file (no change) and then a file in which 10 checks changed (URL), 10 were added and 10 removed.
The files are read before the timed window: only `reload_file` (plan, diff, apply) is timed. A quiet window of the
same kind first gives the stalls of the running engine itself. One JSON line.

Usage: python bench/reload.py [--checks 100000] [--interval 3600] [--settle 10] [--quiet 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from http_checks import free_port  # noqa: E402
from scale import write_config  # noqa: E402

from sitewarden.app.daemon import run_daemon  # noqa: E402
from sitewarden.config.apart import load_config_apart  # noqa: E402
from sitewarden.engine.service import Engine  # noqa: E402

TICK = 0.001


def write_changed(original: Path, changed: Path) -> None:
    """The fleet with site s1's 10 checks on other URLs, site s0 (10 checks) gone and a new site of 10 checks."""
    text = original.read_text()
    head, sites = text.split("sites:\n", 1)
    blocks = sites.split("  - name: ")[1:]
    kept = []
    for block in blocks:
        name = block.split("\n", 1)[0]
        if name == "s0":
            continue
        if name == "s1":
            block = block.replace('url: "/p', 'url: "/q')
        kept.append("  - name: " + block)
    added = blocks[0].replace("s0\n", "added\n", 1)
    changed.write_text(head + "sites:\n" + "".join(kept) + "  - name: " + added)


async def stalls_during(work: Callable[[], Awaitable[object]]) -> dict[str, Any]:
    """Wall time of `work` and the loop stalls (sleep overshoots beyond 1 ms) a monitor task saw meanwhile."""
    done = asyncio.Event()
    overshoots: list[float] = []

    async def monitor() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            overshoots.append(time.perf_counter() - before - TICK)

    watcher = asyncio.create_task(monitor())
    await asyncio.sleep(0)  # the monitor is sleeping before the work starts
    started = time.perf_counter()
    result = await work()
    wall = time.perf_counter() - started
    done.set()
    await watcher
    return {
        "wall_ms": round(wall * 1000, 1),
        "max_stall_ms": round(max(overshoots, default=0.0) * 1000, 1),
        "stall_sum_ms": round(sum(overshoots) * 1000, 1),
        "stalls_over_5ms": sum(1 for s in overshoots if s > 0.005),
        "result": result if isinstance(result, (tuple, list)) else None,
    }


async def measure(engine: Engine, original: Path, changed: Path, arguments: argparse.Namespace) -> dict[str, Any]:
    while engine.scheduler.next_due() is None:  # run_forever has scheduled the fleet
        await asyncio.sleep(0.1)
    await asyncio.sleep(arguments.settle)
    same = await asyncio.to_thread(load_config_apart, original)
    fresh = await asyncio.to_thread(load_config_apart, changed)
    figures: dict[str, Any] = {"checks": len(engine.checks), "load_average": [round(v, 2) for v in os.getloadavg()]}
    figures["quiet"] = await stalls_during(lambda: asyncio.sleep(arguments.quiet))
    figures["no_change"] = await stalls_during(lambda: engine.reload_file(same))
    await asyncio.sleep(1.0)
    figures["changed"] = await stalls_during(lambda: engine.reload_file(fresh))
    figures["checks_after"] = len(engine.checks)
    figures["runs"] = engine.stats.runs
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--checks", type=int, default=100_000)
    parser.add_argument("--interval", type=float, default=3600.0)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds after the start before measuring")
    parser.add_argument("--quiet", type=float, default=2.0, help="seconds of the quiet window")
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sitewarden-reload-"))
    original, changed = workdir / "sitewarden.yaml", workdir / "changed.yaml"
    closed = free_port()  # nothing listens there: a run is a quick refused connection
    write_config(original, arguments.checks, arguments.interval, [closed], f"sqlite:///{workdir / 'store.db'}")
    write_changed(original, changed)
    figures: dict[str, Any] = {}
    started = time.monotonic()

    async def on_ready(engine: Engine) -> None:
        try:
            figures.update(await measure(engine, original, changed, arguments))
        finally:
            os.kill(os.getpid(), signal.SIGTERM)  # run_daemon's own stop: running checks finish, results flush

    try:
        run_daemon(load_config_apart(original), on_ready=on_ready, notify=False, config_path=original)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    figures["total_s"] = round(time.monotonic() - started, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
