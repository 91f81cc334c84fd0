"""Scale-out: N `sitewarden worker` processes share one PostgreSQL store; one is killed; every run is counted.

The fleet and nginx come from bench/scale.py. The first worker starts alone and the others join once it runs
checks, so shards move while checks run. After a settling time the script measures runs/s against the offered
rate, CPU per run of each worker and the start-lag percentiles over all workers; then it SIGKILLs the last worker
and times how long until its shards are held by the survivors and until every one of its checks ran again. Runs
are counted from the results table (every run stored in full: `sample_every` below the interval): a duplicate is
a result less than half an interval after the check's previous one, a miss a gap of more than 1.5 intervals
(also from the first result to a check's first, and from a check's last to the end). One JSON line per phase.

Usage: python bench/scale_out.py [--workers 2] [--checks 20000] [--interval 60] [--seconds 60] [--warmup 20]
       [--lease 15]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from http_checks import free_port  # noqa: E402
from scale import POSTGRES_ADMIN, Store, percentile, process_figures, start_nginx, write_config  # noqa: E402

from sitewarden.engine.shards import SHARDS, shard_of  # noqa: E402

RUNS_SQL = """
WITH runs AS (
    SELECT check_id, started_at, lag(started_at) OVER (PARTITION BY check_id ORDER BY started_at) AS previous
    FROM results
)
SELECT
    CASE WHEN started_at < %(steady)s THEN 'join' WHEN started_at < %(killed)s THEN 'steady' ELSE 'takeover' END,
    count(*) FILTER (WHERE started_at - previous < %(half)s),
    count(*) FILTER (WHERE started_at - previous > %(late)s),
    count(*)
FROM runs GROUP BY 1
"""
EDGES_SQL = """
SELECT
    count(*) FILTER (WHERE first_at IS NULL OR first_at > %(origin)s + %(late)s),
    count(*) FILTER (WHERE last_at < %(end)s - %(late)s)
FROM checks LEFT JOIN (
    SELECT check_id, min(started_at) AS first_at, max(started_at) AS last_at FROM results GROUP BY check_id
) AS seen ON seen.check_id = checks.id
"""

LATE_SQL = """
WITH seen AS (
    SELECT check_id,
        max(started_at) FILTER (WHERE started_at <= %(at)s) AS before,
        min(started_at) FILTER (WHERE started_at > %(at)s) AS after
    FROM results WHERE check_id = ANY(%(ids)s) GROUP BY check_id
), late AS (SELECT greatest(extract(epoch FROM after - before - %(interval)s), 0) AS s FROM seen)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s), percentile_cont(0.99) WITHIN GROUP (ORDER BY s), max(s)
FROM late
"""


class Workers:
    """The `sitewarden worker` processes of one config, by their worker names (host:pid)."""

    def __init__(self, config: Path, workdir: Path) -> None:
        self.config = config
        self.workdir = workdir
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self) -> str:
        number = len(self.processes)
        process = subprocess.Popen(
            [sys.executable, "-m", "sitewarden", "worker", "--no-notify", "-c", str(self.config)],
            env={**os.environ, "SITEWARDEN_LOG_LEVEL": "WARNING"},
            stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / f"worker{number}.log", "wb"),  # noqa: SIM115
        )
        name = f"{socket.gethostname()}:{process.pid}"
        self.processes[name] = process
        return name

    def alive(self) -> dict[str, subprocess.Popen[bytes]]:
        return {name: process for name, process in self.processes.items() if process.poll() is None}

    def cpu(self) -> dict[str, float]:
        return {name: process_figures(process.pid)[1] for name, process in self.alive().items()}

    def stop(self) -> None:
        for process in self.alive().values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def query(store: Store, sql: str, parameters: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + store.name) as connection:
        return list(connection.execute(sql, parameters).fetchall())  # type: ignore[arg-type]


def holders(store: Store) -> dict[str, int]:
    """Worker → shards held under an unexpired lease."""
    sql = "SELECT worker, count(*) FROM shard_leases WHERE expires_at > now() GROUP BY worker"
    try:
        return {str(worker): int(count) for worker, count in query(store, sql)}
    except Exception:  # the first worker has not created the tables yet
        return {}


def stats(store: Store) -> dict[str, dict[str, Any]]:
    """Each worker's published engine figures."""
    try:
        rows = query(store, "SELECT name, stats FROM workers")
    except Exception:
        return {}
    return {str(name): value if isinstance(value, dict) else json.loads(value) for name, value in rows}


def database_now(store: Store) -> datetime:
    return query(store, "SELECT now()")[0][0]  # type: ignore[no-any-return]


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, workers: Workers) -> float:
    """Seconds until `predicate` holds (polled twice a second); a worker exiting or the timeout ends the run."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"{what}: not within {timeout:g} s; see the worker logs in {workers.workdir}")
        if len(workers.alive()) < len(workers.processes) - workers_killed(workers):
            raise SystemExit(f"a worker exited while waiting for {what}; see {workers.workdir}")
        time.sleep(0.5)
    return time.monotonic() - started


def workers_killed(workers: Workers) -> int:
    return sum(1 for process in workers.processes.values() if process.returncode == -signal.SIGKILL)


def balanced(store: Store, names: list[str]) -> bool:
    """Every shard held, each of these workers holding about its fair share and nobody else holding any."""
    held = holders(store)
    fair = math.ceil(SHARDS / len(names))
    return set(held) == set(names) and sum(held.values()) == SHARDS and all(held[n] >= fair - 2 for n in names)


def emit(line: dict[str, Any]) -> None:
    print(json.dumps(line), flush=True)


def steady(store: Store, workers: Workers, seconds: float) -> dict[str, Any]:
    """Runs/s against offered, CPU per run of each worker, start lag over all workers, over `seconds`."""
    before_stats, before_cpu, started = stats(store), workers.cpu(), time.monotonic()
    time.sleep(seconds)
    after_stats, after_cpu, elapsed = stats(store), workers.cpu(), time.monotonic() - started
    runs: dict[str, int] = {}
    per_worker = []
    for name in workers.alive():
        end, begin = after_stats.get(name, {}), before_stats.get(name, {})
        runs[name] = end.get("runs", 0) - begin.get("runs", 0)
        cpu = after_cpu[name] - before_cpu.get(name, 0.0)
        per_worker.append(
            {
                "runs_per_s": round(runs[name] / elapsed),
                "cpu_pct": round(cpu / elapsed * 100),
                "cpu_us_per_run": round(cpu / runs[name] * 1e6) if runs[name] else None,
            }
        )
    total = sum(runs.values())
    start_hist, end_hist = summed_histogram(before_stats), summed_histogram(after_stats)
    return {
        "runs_per_s": round(total / elapsed),
        "offered_per_s": round(sum(stat.get("offered_per_second", 0.0) for stat in after_stats.values())),
        "cpu_pct": sum(worker["cpu_pct"] for worker in per_worker),
        "lag_p50_s": percentile(start_hist, end_hist, 0.5) if end_hist else None,
        "lag_p99_s": percentile(start_hist, end_hist, 0.99) if end_hist else None,
        "per_worker": per_worker,
        "seconds": round(elapsed),
    }


def summed_histogram(figures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The workers' start-lag histograms added bucket by bucket (they share one set of bounds)."""
    hists = [stat["lag_histogram"] for stat in figures.values() if stat.get("lag_histogram")]
    if not hists:
        return {}
    columns = zip(*(hist["buckets"] for hist in hists), strict=True)
    return {"le": hists[0]["le"], "buckets": [sum(column) for column in columns]}


def takeover(store: Store, workers: Workers, interval: float) -> tuple[dict[str, Any], datetime]:
    """SIGKILL the newest worker; time until its shards are held by the others and all its checks ran again."""
    victim = list(workers.alive())[-1]
    shards = {row[0] for row in query(store, "SELECT shard FROM shard_leases WHERE worker = %(w)s", {"w": victim})}
    ids = [check_id for check_id, key in query(store, "SELECT id, key FROM checks") if shard_of(key) in shards]
    killed_at = database_now(store)
    workers.processes[victim].send_signal(signal.SIGKILL)
    workers.processes[victim].wait()
    survivors = list(workers.alive())
    moved = wait_for(lambda: balanced(store, survivors), 120, "the takeover", workers)
    rerun_sql = "SELECT count(DISTINCT check_id) FROM results WHERE started_at > %(at)s AND check_id = ANY(%(ids)s)"
    parameters = {"at": killed_at, "ids": ids}
    remaining = max(1.0, 3 * interval)
    reran = moved + wait_for(
        lambda: query(store, rerun_sql, parameters)[0][0] >= len(ids), remaining, "its checks running again", workers
    )
    late = query(store, LATE_SQL, {**parameters, "interval": timedelta(seconds=interval)})[0]
    line = {"killed_shards": len(shards), "killed_checks": len(ids), "takeover_s": round(moved, 1)}
    return {
        **line,
        "all_ran_again_s": round(reran, 1),
        "late_p50_s": round(float(late[0] or 0), 1),
        "late_p99_s": round(float(late[1] or 0), 1),
        "late_max_s": round(float(late[2] or 0), 1),
    }, killed_at


def count_runs(
    store: Store, interval: float, origin: datetime, steady_at: datetime, killed_at: datetime, end: datetime
) -> dict[str, Any]:
    """Duplicates and misses per phase (of the later result of each pair), from the results table."""
    half, late = timedelta(seconds=interval / 2), timedelta(seconds=1.5 * interval)
    rows = query(store, RUNS_SQL, {"steady": steady_at, "killed": killed_at, "half": half, "late": late})
    found: dict[str, Any] = {"duplicates": {}, "gaps_over_1_5_intervals": {}, "results": {}}
    for phase, duplicates, gaps, total in rows:
        found["duplicates"][phase] = duplicates
        found["gaps_over_1_5_intervals"][phase] = gaps
        found["results"][phase] = total
    first_late, last_early = query(store, EDGES_SQL, {"origin": origin, "end": end, "late": late})[0]
    found["first_run_late"] = first_late
    found["no_run_before_end"] = last_early
    found["duplicates_total"] = sum(found["duplicates"].values())
    found["missed_total"] = sum(found["gaps_over_1_5_intervals"].values()) + first_late + last_early
    return found


def postgres_answers() -> bool:
    import psycopg

    try:
        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=5):
            return True
    except psycopg.Error:
        return False


def run(arguments: argparse.Namespace) -> None:
    if not postgres_answers():
        if arguments.skip_without_postgres:
            emit({"phase": "skipped", "reason": f"no PostgreSQL at {POSTGRES_ADMIN}"})
            return
        print(f"no PostgreSQL answers at {POSTGRES_ADMIN} (set SITEWARDEN_TEST_POSTGRES)", file=sys.stderr)
        raise SystemExit(2)
    workdir = Path(tempfile.mkdtemp(prefix="sitewarden-scale-out-"))
    ports = [free_port() for _ in range(arguments.ports)]
    nginx = start_nginx(workdir, ports)
    store = Store("postgresql", workdir)
    config = workdir / "sitewarden.yaml"
    sample = min(1.0, arguments.interval / 4)
    write_config(config, arguments.checks, arguments.interval, ports, store.url, sample_every=sample)
    if arguments.lease:  # shorter leases than the default 15 s (renewed every 5 s), for a quicker takeover
        with config.open("a") as handle:
            handle.write(f"workers: {{lease: {arguments.lease:g}s, renew_every: {arguments.lease / 3:g}s}}\n")
    workers = Workers(config, workdir)
    base = {"workers": arguments.workers, "checks": arguments.checks, "interval": arguments.interval}
    ok = False
    try:
        started = time.monotonic()
        first = workers.start()
        wait_for(lambda: stats(store).get(first, {}).get("runs", 0) > 0, arguments.start_timeout, "a run", workers)
        origin = query(store, "SELECT min(started_at) FROM results")[0][0] or database_now(store)
        emit({"phase": "start", **base, "first_check_s": round(time.monotonic() - started, 1)})
        if arguments.workers > 1:
            for _ in range(arguments.workers - 1):
                workers.start()
            names = list(workers.processes)
            joined = wait_for(lambda: balanced(store, names), arguments.start_timeout, "the split", workers)
            emit({"phase": "join", **base, "balanced_s": round(joined, 1), "shards": holders(store)})
        time.sleep(arguments.warmup)
        steady_at = database_now(store)
        emit({"phase": "steady", **base, **steady(store, workers, arguments.seconds)})
        killed_at = database_now(store)
        if arguments.workers > 1:
            killed = time.monotonic()
            line, killed_at = takeover(store, workers, arguments.interval)
            emit({"phase": "takeover", **base, **line})
            until = killed + 1.5 * arguments.interval + 5  # long enough after the kill for a missed run to show
            while time.monotonic() < until and len(workers.alive()) == arguments.workers - 1:
                time.sleep(1.0)
        end = database_now(store)
        workers.stop()
        emit({"phase": "runs", **base, **count_runs(store, arguments.interval, origin, steady_at, killed_at, end)})
        ok = True
    finally:
        workers.stop()
        nginx.send_signal(signal.SIGTERM)
        nginx.wait(10)
        store.drop()
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)  # kept when the run failed: the worker logs say why


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checks", type=int, default=20_000)
    parser.add_argument("--interval", type=float, default=60.0)
    parser.add_argument("--seconds", type=float, default=60.0, help="steady-state sampling after the warm-up")
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--ports", type=int, default=4)
    parser.add_argument("--start-timeout", type=float, default=300.0)
    parser.add_argument("--lease", type=float, help="shard lease seconds (default: the config default, 15)")
    parser.add_argument("--skip-without-postgres", action="store_true", help="print a skip line, exit 0")
    arguments = parser.parse_args()
    if arguments.workers < 1:
        parser.error("--workers must be at least 1")
    run(arguments)


if __name__ == "__main__":
    main()
