"""Dashboard response times at fleet size: seeds N sites with D days of hourly results, then times the pages.

    .venv/bin/python bench/dashboard.py [--sites 10000] [--days 7] [--runs 20] [--url postgresql+psycopg://...]

Targets (reported, not asserted): overview < 150 ms, site page < 100 ms (median, through a live uvicorn server).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import uvicorn
from sqlalchemy import Connection

from sitewarden.passwords import hash_password
from sitewarden.results import utcnow
from sitewarden.store.database import open_database
from sitewarden.store.tables import assessments, checks, results, rollups, sites, states
from sitewarden.store.users import add_user, create_token
from sitewarden.web.app import create_app

TARGETS = {"overview": 150.0, "overview, errors only": 150.0, "overview, search": 150.0, "overview, cms typo3": 150.0,
           "overview, worst eol": 150.0, "site page": 100.0}  # fmt: skip


def seed(url: str, count: int, days: int) -> str:
    """Bulk-insert sites, one http check each, hourly results and rollups, and states; returns an API token."""
    database = open_database(url)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    hours = days * 24
    with database.transaction() as connection:
        connection.execute(
            sites.insert(),
            [
                {"name": f"site-{i:05d}", "url": f"https://site-{i:05d}.example.org/", "groups": [f"group-{i % 20}"],
                 "contacts": [], "source": "config", "active": True, "created_at": now, "updated_at": now}
                for i in range(count)
            ],
        )  # fmt: skip
        connection.execute(
            checks.insert(),
            [
                {"key": f"site-{i:05d}/web", "site_id": i + 1, "name": "web", "kind": "http",
                 "params": {"kind": "http"}, "interval_s": 60.0, "source": "config", "active": True,
                 "created_at": now, "updated_at": now}
                for i in range(count)
            ],
        )  # fmt: skip
        connection.execute(
            states.insert(),
            [
                {"check_id": i + 1, "hard_status": 2 if i % 50 == 0 else 0, "hard_since": now,
                 "soft_status": 2 if i % 50 == 0 else 0, "attempts": 0, "last_status": 2 if i % 50 == 0 else 0,
                 "last_summary": "status 503, expected 200" if i % 50 == 0 else "status 200", "last_result_at": now,
                 "last_duration_ms": 40.0 + i % 30, "paused": False, "memory": {}, "version": 0, "updated_at": now}
                for i in range(count)
            ],
        )  # fmt: skip
        for hour in range(hours, 0, -1):
            moment = now - timedelta(hours=hour)
            connection.execute(
                results.insert(),
                [
                    {"check_id": i + 1, "started_at": moment, "duration_ms": 40.0 + (i + hour) % 30,
                     "status": 2 if i % 50 == 0 else 0, "summary": "status 200", "metrics": [], "details": {}}
                    for i in range(count)
                ],
            )  # fmt: skip
            connection.execute(
                rollups.insert(),
                [
                    {"check_id": i + 1, "period": "hour", "bucket": moment, "count": 60, "ok": 0 if i % 50 == 0 else 60,
                     "warning": 0, "error": 60 if i % 50 == 0 else 0, "unknown": 0, "duration_sum": 60 * 45.0,
                     "duration_min": 30.0, "duration_max": 70.0}
                    for i in range(count)
                ],
            )  # fmt: skip
        seed_assessments(connection, count, now)
        add_user(connection, "bench", hash_password(PASSWORD), "viewer", now)
        token = create_token(connection, "bench", "bench", now)
    database.close()
    return token


EXTENSIONS = 12
PASSWORD = "bench-password-1"
MACHINE_PATHS = ("/api/", "/metrics", "/health")
"""Paths that take the API token; pages take a session only, so the bench signs in through the login form."""


def seed_assessments(connection: Connection, count: int, now: datetime) -> None:
    """Verdicts for every site: a TYPO3 or WordPress core, PHP and a dozen extensions from a pool of 200."""
    verdicts = ("up_to_date", "up_to_date", "bugfix", "minor", "unknown", "major", "up_to_date", "eol", "insecure")
    for start in range(0, count, 1000):
        rows = []
        for i in range(start, min(start + 1000, count)):
            site, cms = f"site-{i:05d}", "typo3" if i % 3 else "wordpress"
            kind = "extension" if cms == "typo3" else "plugin"
            items = [("core", cms, f"{12 + i % 2}.4.{i % 20}", verdicts[i % 7]), ("php", "php", "8.2.1", "up_to_date")]
            items += [
                (kind, f"ext_{(i + n * 17) % 200}", f"1.{n}.{i % 5}", verdicts[(i + n) % 9]) for n in range(EXTENSIONS)
            ]
            rows += [
                {"site": site, "item_kind": k, "item_key": key, "product": key, "version": version, "verdict": verdict,
                 "advisories": [], "fixed_version": None, "latest": None, "summary": "", "assessed_at": now,
                 "changed_at": now}
                for k, key, version, verdict in items
            ]  # fmt: skip
        connection.execute(assessments.insert(), rows)


def signed_in(base: str) -> urllib.request.OpenerDirector:
    """A browser-like opener with the session cookie of the bench user."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(base + "/login").read().decode()
    match = re.search(r'name="csrf_token" value="([^"]+)"', form)
    fields = {"name": "bench", "password": PASSWORD, "csrf_token": match.group(1) if match else "", "next": "/"}
    opener.open(base + "/login", urllib.parse.urlencode(fields).encode()).read()
    return opener


def timed(opener: urllib.request.OpenerDirector, url: str, token: str, runs: int) -> tuple[float, float]:
    machine = any(part in url for part in MACHINE_PATHS)
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if machine else {})
    open_url = urllib.request.urlopen if machine else opener.open
    open_url(request).read()  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        with open_url(request) as answer:
            answer.read()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--url", help="store URL (default a new SQLite file)")
    options = parser.parse_args()
    url = options.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    started = time.perf_counter()
    token = seed(url, options.sites, options.days)
    print(f"seeded {options.sites} sites, {options.sites * options.days * 24} results in "
          f"{time.perf_counter() - started:.1f} s ({url.split(':')[0]})")  # fmt: skip
    database = open_database(url)
    server = uvicorn.Server(uvicorn.Config(create_app(database), host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="off", ws="none", access_log=False))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    pages = {
        "overview": "/",
        "overview, errors only": "/?status=error",
        "overview, search": "/?q=site-0999",
        "overview, cms typo3": "/?cms=typo3",
        "overview, worst eol": "/?verdict=eol",
        "extensions": "/extensions",
        "extensions, insecure": "/extensions?only=insecure",
        "site page": "/sites/site-05000",
        "site page, 30 days": "/sites/site-05000?range=30d",
        "api sites": "/api/v1/sites?limit=100",
        "metrics": "/metrics",
    }
    opener = signed_in(base)
    print(f"{'page':<24}{'median ms':>10}{'max ms':>10}{'target':>10}")
    for name, path in pages.items():
        median, worst = timed(opener, base + path, token, options.runs)
        target = TARGETS.get(name)
        verdict = "" if target is None else ("  ok" if median < target else "  over")
        shown = f"{target:.0f}" if target else "-"
        print(f"{name:<24}{median:>10.1f}{worst:>10.1f}{shown:>10}{verdict}")
    server.should_exit = True
    thread.join(10)
    database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
