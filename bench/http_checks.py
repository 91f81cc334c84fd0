"""HTTP check throughput and CPU cost, side by side with peers, against one loopback nginx.

Each client makes N GET requests with a fresh connection each, 64 at a time, to the same nginx on 127.0.0.1:
- sitewarden: the whole check path (scheduler-free run of the engine: pool, probe, state machine, batched writes to
  SQLite), in this process; CPU time is this process's user + system time.
- aiohttp: a plain aiohttp client doing the same requests (the common Python choice), no storage.
- blackbox_exporter (Prometheus, Go), when Debian's package is installed: its /probe endpoint with an http_2xx module;
  CPU time is read from its /proc entry (the time of the driving client is not counted).

Usage: python bench/http_checks.py [--checks 20000] [--concurrency 64] [--no-peers] [--https]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

NGINX_CONF = """
worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections {connections}; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    keepalive_timeout 0;
    server {{
{server}
        location / {{ default_type text/html; return 200 "<html><body>Add to cart</body></html>"; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_debian_package(binary: str, package: str) -> str | None:
    found = shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(f"/usr/sbin/{binary}") else None)
    if found or os.geteuid() != 0:
        return found
    print(f"installing Debian package {package} ...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    policy = Path("/usr/sbin/policy-rc.d")
    created = not policy.exists()
    if created:  # keep the package's own service from starting on port 80
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=False, env=env, capture_output=True)
    finally:
        if created:
            policy.unlink()
    return shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(f"/usr/sbin/{binary}") else None)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


async def bounded(total: int, concurrency: int, one: Callable[[], Awaitable[bool]]) -> int:
    """Run `one` total times, `concurrency` at once; return how many succeeded."""
    remaining = total
    ok = 0

    async def worker() -> None:
        nonlocal remaining, ok
        while remaining > 0:
            remaining -= 1
            if await one():
                ok += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ok


async def bench_sitewarden(
    url: str, total: int, concurrency: int, workdir: Path, *, resume: bool = True
) -> dict[str, Any]:
    from sitewarden.config.models import Config
    from sitewarden.engine.service import Engine
    from sitewarden.memory import settle_heap
    from sitewarden.store.database import open_database
    from sitewarden.transport.http import HttpClient
    from sitewarden.transport.tls import TlsContexts

    fleet = 1000
    checks = [{"name": f"c{i}", "kind": "http", "keyword": "Add to cart"} for i in range(fleet)]
    config = Config.model_validate(
        {
            "defaults": {"timeout": "10s"},
            "pools": {"network": concurrency},
            "store": {"url": f"sqlite:///{workdir / 'bench.db'}"},
            "sites": [{"name": "nginx", "url": url, "http": {"ca_file": str(workdir / "ca.pem")}, "checks": checks}],
        }
    )
    database = open_database(config.store.url)
    engine = Engine(config, database, http=HttpClient(TlsContexts(resume=resume)))
    keys = itertools.cycle(list(engine.checks))
    settle_heap()  # as the daemon does once its checks are planned (collector tuned for a long run)
    engine.writer.start()

    async def one() -> bool:
        result = await engine.run_check(next(keys))
        return result.status == 0

    # As the daemon does it: `concurrency` checks in flight, each run through pool, probe, state and writer.
    started, cpu = time.perf_counter(), cpu_seconds()
    ok = await bounded(total, concurrency, one)
    await engine.writer.stop()
    elapsed, used = time.perf_counter() - started, cpu_seconds() - cpu
    database.close()
    return {"checks": total, "ok": ok, "seconds": elapsed, "cpu": used}


async def bench_aiohttp(url: str, total: int, concurrency: int, workdir: Path) -> dict[str, Any]:
    import ssl

    import aiohttp

    context = ssl.create_default_context(cafile=str(workdir / "ca.pem"))
    connector = aiohttp.TCPConnector(force_close=True, limit=concurrency, ssl=context)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one() -> bool:
            async with session.get(url) as response:
                body = await response.text()
                return response.status == 200 and "Add to cart" in body

        started, cpu = time.perf_counter(), cpu_seconds()
        ok = await bounded(total, concurrency, one)
        return {"checks": total, "ok": ok, "seconds": time.perf_counter() - started, "cpu": cpu_seconds() - cpu}


async def bench_blackbox(url: str, total: int, concurrency: int, workdir: Path) -> dict[str, Any] | None:
    binary = ensure_debian_package("prometheus-blackbox-exporter", "prometheus-blackbox-exporter")
    if binary is None:
        return None
    import aiohttp

    port = free_port()
    config = workdir / "blackbox.yml"
    config.write_text(
        "modules:\n  http_2xx:\n    prober: http\n    timeout: 10s\n    http:\n"
        "      fail_if_body_not_matches_regexp: ['Add to cart']\n      preferred_ip_protocol: ip4\n"
        f"      tls_config: {{ca_file: '{workdir / 'ca.pem'}'}}\n"
    )
    process = subprocess.Popen(
        [binary, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        probe = f"http://127.0.0.1:{port}/probe?module=http_2xx&target={url}"
        async with aiohttp.ClientSession() as session:
            for _ in range(50):
                try:
                    async with session.get(probe) as response:
                        await response.text()
                        break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)

            async def one() -> bool:
                async with session.get(probe) as response:
                    return "probe_success 1" in await response.text()

            started, cpu = time.perf_counter(), process_cpu_seconds(process.pid)
            ok = await bounded(total, concurrency, one)
            elapsed = time.perf_counter() - started
            used = process_cpu_seconds(process.pid) - cpu
        return {"checks": total, "ok": ok, "seconds": elapsed, "cpu": used}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)


def make_certificates(workdir: Path) -> Path:
    """A CA and an ECDSA P-256 leaf for 127.0.0.1 (trustme); returns the CA file the clients trust."""
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1")
    leaf.cert_chain_pems[0].write_to_path(str(workdir / "leaf.pem"))
    leaf.private_key_pem.write_to_path(str(workdir / "leaf.key"))
    ca.cert_pem.write_to_path(str(workdir / "ca.pem"))
    return workdir / "ca.pem"


def start_nginx(workdir: Path, https: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    binary = ensure_debian_package("nginx", "nginx")
    if binary is None:
        raise SystemExit("nginx is not installed and cannot be installed (run as root, or apt-get install nginx)")
    port = free_port()
    tls, certificates = "", ""
    if https:
        tls = " ssl"
        certificates = f"ssl_certificate {workdir}/leaf.pem; ssl_certificate_key {workdir}/leaf.key;"
    server = f"        listen 127.0.0.1:{port} backlog=4096{tls};\n        {certificates}"
    conf = NGINX_CONF.format(dir=workdir, connections=4096, server=server)
    (workdir / "nginx.conf").write_text(conf)
    process = subprocess.Popen([binary, "-c", str(workdir / "nginx.conf"), "-g", "daemon off;"])
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
        except OSError:
            time.sleep(0.05)
    return process, f"{'https' if https else 'http'}://127.0.0.1:{port}/"


def report(name: str, figures: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    rate = figures["checks"] / figures["seconds"]
    per_check = figures["cpu"] / figures["checks"] * 1e6
    line = f"{name:<26} {figures['checks']:>7} checks  {figures['ok']:>7} ok  {rate:>8.0f} checks/s"
    line += f"  {per_check:>7.0f} µs CPU/check"
    if baseline is not None:
        base = baseline["cpu"] / baseline["checks"] * 1e6
        line += f"  ({per_check / base:.2f}× sitewarden's CPU)"
    return line


async def main(arguments: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="sitewarden-bench-"))
    make_certificates(workdir)
    nginx, url = start_nginx(workdir, https=arguments.https)
    try:
        loop = type(asyncio.get_running_loop()).__module__.split(".")[0]
        print(
            f"target {url} (nginx, 1 worker), {arguments.checks} checks,"
            f" {arguments.concurrency} concurrent, loop: {loop}"
        )
        ours = await bench_sitewarden(url, arguments.checks, arguments.concurrency, workdir)
        print(report("sitewarden (engine)", ours, None))
        if arguments.https:
            full = await bench_sitewarden(url, arguments.checks, arguments.concurrency, workdir, resume=False)
            print(report("sitewarden, no resumption", full, ours))
        if not arguments.no_peers:
            peer = await bench_aiohttp(url, arguments.checks, arguments.concurrency, workdir)
            print(report("aiohttp client", peer, ours))
            blackbox = await bench_blackbox(url, arguments.checks, arguments.concurrency, workdir)
            if blackbox is None:
                print("blackbox_exporter      not available (apt-get install prometheus-blackbox-exporter)")
            else:
                print(report("blackbox_exporter (Go)", blackbox, ours))
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--https", action="store_true", help="TLS (ECDSA P-256) target; also runs without resumption")
    parser.add_argument("--asyncio", action="store_true", help="use the standard loop instead of uvloop")
    args = parser.parse_args()
    if args.asyncio:
        asyncio.run(main(args))
    else:
        from sitewarden.app.daemon import run_async

        run_async(lambda: main(args))
