"""The daemon at fleet size: `sitewarden run` with N scheduled HTTP checks against loopback nginx on several ports.

Unlike bench/http_checks.py (a flat-out loop), this drives what users run: the config file is loaded, the store
synced, and every check runs on its own schedule. It samples the daemon's RSS and CPU, the engine's published
figures (runs, start lag histogram, offered and started load) and the database size, then prints one line.

Usage: python bench/scale.py [--checks 100000] [--interval 300] [--seconds 120] [--store sqlite|postgresql] [--web]

With --web it then times the overview and /metrics over the store the daemon filled (wall and CPU per request).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from http_checks import NGINX_CONF, ensure_debian_package, free_port  # noqa: E402

POSTGRES_ADMIN = os.environ.get("SITEWARDEN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
TICK = os.sysconf("SC_CLK_TCK")
PAGES = (
    ("overview", "/"),
    ("overview_errors", "/?status=error"),
    ("metrics", "/metrics"),
    ("metrics_per_check", "/metrics?checks=all"),
)


def start_nginx(workdir: Path, ports: list[int]) -> subprocess.Popen[bytes]:
    binary = ensure_debian_package("nginx", "nginx")
    if binary is None:
        raise SystemExit("nginx is not installed and cannot be installed (run as root, or apt-get install nginx)")
    listen = "\n".join(f"        listen 127.0.0.1:{port} backlog=8192;" for port in ports)
    (workdir / "nginx.conf").write_text(NGINX_CONF.format(dir=workdir, connections=8192, server=listen))
    process = subprocess.Popen([binary, "-c", str(workdir / "nginx.conf"), "-g", "daemon off;"])
    time.sleep(0.5)
    return process


def write_config(
    path: Path,
    checks: int,
    interval: float,
    ports: list[int],
    store: str,
    distinct: bool = False,
    sample_every: float | None = None,
) -> None:
    """Ten checks per site, the sites spread over the nginx ports.

    The ten check definitions repeat on every site (site-relative URLs: a fleet's templates), so they validate once
    and share one model each; `distinct` gives every check its own URL, the worst case for memory and start-up.
    `sample_every` below the interval stores every run in full (no folding), so runs can be counted from results.
    """
    sample = f", sample_every: {sample_every:g}s" if sample_every is not None else ""
    lines = [f"defaults: {{interval: {interval:g}s, timeout: 10s}}", f'store: {{url: "{store}"{sample}}}', "sites:"]
    for site in range((checks + 9) // 10):
        port = ports[site % len(ports)]
        lines.append(f'  - name: s{site}\n    url: "http://127.0.0.1:{port}/"\n    checks:')
        for number in range(min(10, checks - site * 10)):
            url = f"/p{number}-{site}" if distinct else f"/p{number}"
            lines.append(f'      - {{name: c{number}, kind: http, url: "{url}", keyword: "Add to cart"}}')
    path.write_text("\n".join(lines) + "\n")


def process_figures(pid: int) -> tuple[float, float]:
    """(RSS in MiB, CPU seconds) of a process from /proc."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICK
    with open(f"/proc/{pid}/status") as handle:
        rss = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:")) / 1024
    return rss, cpu


def children_cpu(pid: int) -> float:
    """CPU seconds of a process's waited-for children (a large config is parsed in a child process)."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / TICK


class Store:
    """Reads the engine's published figures and the database size, without going through sitewarden."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.name = f"sitewarden_bench_{uuid.uuid4().hex[:10]}"
        self.file = workdir / "bench.db"
        if kind == "postgresql":
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
            base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
            self.url = f"{base}/{self.name}"
        else:
            self.url = f"sqlite:///{self.file}"

    def _query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.kind == "postgresql":
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + self.name) as connection:
                return list(connection.execute(sql).fetchall())
        import sqlite3

        if not self.file.exists():
            return []
        connection = sqlite3.connect(f"file:{self.file}?mode=ro", uri=True, timeout=5)
        try:
            return list(connection.execute(sql).fetchall())
        finally:
            connection.close()

    def figures(self) -> dict[str, Any]:
        try:
            rows = self._query("SELECT stats FROM workers")
        except Exception:
            return {}
        for (stats,) in rows:
            return stats if isinstance(stats, dict) else json.loads(stats)
        return {}

    def size(self) -> int:
        """Bytes on disk: the SQLite file and its WAL, or pg_database_size."""
        if self.kind == "postgresql":
            return int(self._query(f"SELECT pg_database_size('{self.name}')")[0][0])
        return sum(path.stat().st_size for path in self.file.parent.glob("bench.db*"))

    def drop(self) -> None:
        if self.kind == "postgresql":
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def percentile(histogram_start: dict[str, Any], histogram_end: dict[str, Any], fraction: float) -> float:
    """A percentile of the lags observed between two histogram snapshots (the bucket's upper bound)."""
    bounds = [*histogram_end["le"], float("inf")]
    start = histogram_start.get("buckets") or [0] * len(bounds)
    counts = [end - begin for end, begin in zip(histogram_end["buckets"], start, strict=True)]
    total = counts[-1]
    if total <= 0:
        return 0.0
    for bound, cumulative in zip(bounds, counts, strict=True):
        if cumulative >= fraction * total:
            return float(bound)
    return float("inf")


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="sitewarden-scale-"))
    ports = [free_port() for _ in range(arguments.ports)]
    nginx = start_nginx(workdir, ports)
    store = Store(arguments.store, workdir)
    config = workdir / "sitewarden.yaml"
    write_config(config, arguments.checks, arguments.interval, ports, store.url, arguments.distinct)
    env = {**os.environ, "SITEWARDEN_LOG_LEVEL": "WARNING"}
    started = time.monotonic()
    daemon = subprocess.Popen(
        [sys.executable, "-m", "sitewarden", "run", "--no-notify", "-c", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "daemon.log", "wb"),  # noqa: SIM115
    )
    figures: dict[str, Any] = {}
    first_check = None
    first_check_cpu = 0.0
    rss_max = 0.0
    samples: list[tuple[float, float, float, dict[str, Any]]] = []
    sizes: list[int] = []
    size_before = 0
    try:
        deadline = started + arguments.start_timeout
        while time.monotonic() < deadline and daemon.poll() is None:
            rss, cpu = process_figures(daemon.pid)
            rss_max = max(rss_max, rss)
            figures = store.figures()
            if figures.get("runs", 0) > 0:
                first_check = time.monotonic() - started
                first_check_cpu = process_figures(daemon.pid)[1] + children_cpu(daemon.pid)
                break
            time.sleep(0.5)
        if first_check is None:
            raise SystemExit(f"no check ran within {arguments.start_timeout} s; see {workdir / 'daemon.log'}")
        warm_until = time.monotonic() + arguments.warmup
        while time.monotonic() < warm_until and daemon.poll() is None:
            rss_max = max(rss_max, process_figures(daemon.pid)[0])
            time.sleep(1.0)
        end = time.monotonic() + arguments.seconds
        size_before = store.size()
        while daemon.poll() is None:
            now = time.monotonic()
            rss, cpu = process_figures(daemon.pid)
            rss_max = max(rss_max, rss)
            samples.append((now, rss, cpu, store.figures()))
            if now >= end:
                sizes.append(store.size())
                break
            time.sleep(2.0)
    finally:
        stopping = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(180)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        stop_seconds = time.monotonic() - stopping
        nginx.send_signal(signal.SIGTERM)
        nginx.wait(10)
    if len(samples) < 2:
        raise SystemExit(f"the daemon stopped early (exit {daemon.returncode}); see {workdir / 'daemon.log'}")
    size = store.size()
    size_after = sizes[-1] if sizes else size
    written = store._query("SELECT count(*) FROM results")[0][0]
    web = web_figures(store.url) if arguments.web else {}
    store.drop()
    shutil.rmtree(workdir, ignore_errors=True)  # kept only when the run failed: its daemon.log says why
    (t0, _, cpu0, fig0), (t1, rss1, cpu1, fig1) = samples[0], samples[-1]
    runs = fig1["runs"] - fig0.get("runs", 0)
    seconds = t1 - t0
    start_hist, end_hist = fig0.get("lag_histogram") or {}, fig1["lag_histogram"]
    return {
        "checks": arguments.checks,
        "distinct": arguments.distinct,
        "interval": arguments.interval,
        "store": arguments.store,
        "first_check_s": round(first_check, 1),
        "first_check_cpu_s": round(first_check_cpu, 1),
        "rss_mib": round(rss1),
        "rss_max_mib": round(rss_max),
        "runs_per_s": round(runs / seconds),
        "offered_per_s": fig1.get("offered_per_second"),
        "cpu_pct": round((cpu1 - cpu0) / seconds * 100),
        "cpu_us_per_run": round((cpu1 - cpu0) / runs * 1e6) if runs else None,
        "lag_p50_s": percentile(start_hist, end_hist, 0.5),
        "lag_p99_s": percentile(start_hist, end_hist, 0.99),
        "lag_p99_recent_s": fig1.get("lag_p99_seconds"),
        "db_bytes_per_run": round((size_after - size_before) / runs) if runs else None,
        "db_bytes": size,
        "results_stored": written,
        "runs_folded": fig1.get("folded"),
        "seconds_sampled": round(seconds),
        "stop_s": round(stop_seconds, 1),
        "exit": daemon.returncode,
        **web,
    }


def web_figures(url: str, runs: int = 5) -> dict[str, Any]:
    """Overview and /metrics over a filled store, through a live uvicorn server in this process (demo sign-in):
    median wall and CPU milliseconds per request (server and client; CPU does not depend on the machine's load)."""
    import http.client
    import statistics
    import threading

    import uvicorn

    from sitewarden.store.database import open_database
    from sitewarden.web.app import create_app

    database = open_database(url)
    config = uvicorn.Config(
        create_app(database, demo=True), host="127.0.0.1", port=0, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    connection = http.client.HTTPConnection("127.0.0.1", server.servers[0].sockets[0].getsockname()[1], timeout=120)
    headers: dict[str, str] = {}

    def get(path: str) -> int:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        cookie = answer.getheader("set-cookie")
        if cookie:
            headers["Cookie"] = cookie.split(";", 1)[0]
        body = answer.read()
        if answer.status != 200:
            raise SystemExit(f"GET {path} answered {answer.status}")
        return len(body)

    figures: dict[str, Any] = {}
    try:
        for name, path in PAGES:
            size = get(path)  # warm-up
            walls, cpus = [], []
            for _ in range(runs):
                wall, cpu = time.perf_counter(), time.process_time()
                get(path)
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            figures[f"{name}_ms"] = round(statistics.median(walls), 1)
            figures[f"{name}_cpu_ms"] = round(statistics.median(cpus), 1)
            figures[f"{name}_bytes"] = size
    finally:
        connection.close()
        server.should_exit = True
        thread.join(10)
        database.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=100_000)
    parser.add_argument("--interval", type=float, default=300.0)
    parser.add_argument("--seconds", type=float, default=120.0, help="steady-state sampling after the warm-up")
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--ports", type=int, default=4)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--start-timeout", type=float, default=300.0)
    parser.add_argument("--distinct", action="store_true", help="every check its own URL (no shared definitions)")
    parser.add_argument("--web", action="store_true", help="then time the overview and /metrics over the store")
    parser.add_argument("--web-only", metavar="URL", help="only time the overview and /metrics over this store")
    arguments = parser.parse_args()
    if arguments.web_only:
        print(json.dumps(web_figures(arguments.web_only)))
        return
    figures = run(arguments)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
