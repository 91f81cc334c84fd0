"""Fleet query times at fleet size: seeds N sites with 30 judged items each, then times queries on each backend.

    .venv/bin/python bench/fleet_query.py [--sites 10000] [--runs 10] [--url URL ...]

Without --url it measures a new SQLite file and, when $SITEWARDEN_TEST_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/postgres) answers, a new PostgreSQL database that it drops afterwards.
Target (reported, not asserted): every query under 200 ms (median, in process, one read transaction each).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from sitewarden.app.fleet import query_fleet
from sitewarden.results import utcnow
from sitewarden.store.database import open_database
from sitewarden.store.tables import assessments, checks, sites, states

sys.path.insert(0, str(Path(__file__).parent))
from throwaway_postgres import throwaway_postgres  # noqa: E402

TARGET_MS = 200.0
ITEMS = 30
POOL = 300
QUERIES = (
    "product:georgringer/news version:<11.4.3",
    "cms:typo3 branch:12 verdict:insecure",
    "group:customer-7 status:error",
    "php:<8.1",
    "extension:powermail -verdict:up_to_date",
    "tag:sla-gold check:tls status:warning",
    "-extension:news cms:typo3 version:>=12.4",
    "site-0999",
)
VERDICTS = ("up_to_date", "up_to_date", "outdated", "unknown", "up_to_date", "eol", "insecure")


def seed(url: str, count: int) -> None:
    """Bulk-insert sites in 50 groups, a web and a tls check each with states, and 30 judged items per site."""
    database = open_database(url)
    now = utcnow()
    with database.transaction() as connection:
        connection.execute(
            sites.insert(),
            [
                {"name": f"site-{i:05d}", "url": f"https://site-{i:05d}.example.org/",
                 "groups": [f"customer-{i % 50}"] + (["sla-gold"] if i % 10 == 0 else []), "contacts": [],
                 "source": "config", "active": True, "created_at": now, "updated_at": now}
                for i in range(count)
            ],
        )  # fmt: skip
        connection.execute(
            checks.insert(),
            [
                {"key": f"site-{i // 2:05d}/{'web' if i % 2 == 0 else 'tls'}", "site_id": i // 2 + 1,
                 "name": "web" if i % 2 == 0 else "tls", "kind": "http" if i % 2 == 0 else "tls", "params": {},
                 "interval_s": 60.0, "source": "config", "active": True, "created_at": now, "updated_at": now}
                for i in range(count * 2)
            ],
        )  # fmt: skip
        connection.execute(
            states.insert(),
            [
                {"check_id": i + 1, "hard_status": (2 if i % 40 == 0 else 1 if i % 15 == 1 else 0), "hard_since": now,
                 "soft_status": 0, "attempts": 0, "paused": False, "memory": {}, "version": 0, "updated_at": now}
                for i in range(count * 2)
            ],
        )  # fmt: skip
        seed_items(connection, count, now)
    database.close()


def seed_items(connection: Connection, count: int, now: datetime) -> None:
    """Core, PHP, database and 27 extensions per site from a pool of 300 (news and powermail among them)."""
    for start in range(0, count, 500):
        rows = []
        for i in range(start, min(start + 500, count)):
            site = f"site-{i:05d}"
            major = 11 + i % 3
            items = [("core", "typo3", "typo3", f"{major}.{4 if major > 11 else 5}.{i % 30}", str(major)),
                     ("php", "php", "php", f"8.{i % 4}.{i % 20}", f"8.{i % 4}"),
                     ("database", "mysql", "mysql", "8.0.36", "8.0")]  # fmt: skip
            for n in range(ITEMS - len(items)):
                key = ("news", "powermail")[n] if n < 2 else f"ext_{(i + n * 17) % POOL}"
                product = {"news": "georgringer/news", "powermail": "in2code/powermail"}.get(key, f"vendor/{key}")
                version = f"{10 + (i + n) % 3}.{(i * 7 + n) % 6}.{i % 9}"
                items.append(("extension", key, product, version, version.split(".")[0]))
            rows += [
                {"site": site, "item_kind": kind, "item_key": key, "product": product, "version": version,
                 "verdict": VERDICTS[(i + position) % len(VERDICTS)], "branch": branch, "advisories": [],
                 "fixed_version": None, "latest": None, "summary": "", "assessed_at": now, "changed_at": now}
                for position, (kind, key, product, version, branch) in enumerate(items)
            ]  # fmt: skip
        connection.execute(assessments.insert(), rows)


def measure(url: str, runs: int) -> list[tuple[str, int, float, float, float]]:
    """Median and worst wall time and median CPU time of each query (after a warm-up run), with its matches.

    CPU time is the steadier figure on a shared machine; the database's own work is in it for SQLite only.
    """
    database = open_database(url)
    figures = []
    try:
        for text in QUERIES:
            samples, cpu = [], []
            matches = 0
            for _ in range(runs + 1):
                started, used = time.perf_counter(), time.process_time()
                with database.transaction() as connection:
                    matches = len(query_fleet(connection, text).matches)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
            wall = samples[1:]
            figures.append((text, matches, statistics.median(wall), max(wall), statistics.median(cpu[1:])))
    finally:
        database.close()
    return figures


def report(url: str, count: int, runs: int, *, seeded: bool = False) -> bool:
    started = time.perf_counter()
    if not seeded:
        seed(url, count)
    backend = url.split(":")[0].split("+")[0]
    print(f"\n{backend}: seeded {count} sites × {ITEMS} items in {time.perf_counter() - started:.1f} s")
    print(f"{'query':<46}{'sites':>7}{'median ms':>11}{'max ms':>9}{'cpu ms':>9}{'target':>8}")
    within = True
    for text, matches, median, worst, cpu in measure(url, runs):
        verdict = "ok" if median < TARGET_MS else "over"
        within = within and median < TARGET_MS
        print(f"{text:<46}{matches:>7}{median:>11.1f}{worst:>9.1f}{cpu:>9.1f}{TARGET_MS:>6.0f}  {verdict}")
    return within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--url", action="append", help="store URL to seed and measure (repeatable)")
    parser.add_argument("--seeded", action="store_true", help="the --url stores are already seeded: only measure")
    options = parser.parse_args()
    within = True
    if options.url:
        for url in options.url:
            within = report(url, options.sites, options.runs, seeded=options.seeded) and within
        return 0 if within else 1
    within = report(f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}", options.sites, options.runs)
    with throwaway_postgres() as url:
        if url is None:
            print("\npostgresql: no server answered; pass --url postgresql+psycopg://... to measure it")
        else:
            within = report(url, options.sites, options.runs) and within
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
