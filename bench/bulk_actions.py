"""Bulk action times at fleet size: N sites with two checks each; preview and apply each action in one transaction.

    .venv/bin/python bench/bulk_actions.py [--sites 10000] [--url URL ...]

Without --url it measures a new SQLite file and, when $SITEWARDEN_TEST_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/postgres) answers, a new PostgreSQL database that it drops afterwards.
Figures are printed, not asserted: a bulk action is one transaction, so its time is how long the store is held.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sitewarden.app.bulk import Actor, BulkRequest, apply_bulk, plan_bulk
from sitewarden.results import Status, utcnow
from sitewarden.states import CheckState
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import open_database
from sitewarden.store.states import save_states

sys.path.insert(0, str(Path(__file__).parent))
from throwaway_postgres import throwaway_postgres  # noqa: E402

ACTOR = Actor("bench", "-", "cli")


def seed(url: str, count: int) -> None:
    database = open_database(url)
    now = utcnow()
    sites = [
        SiteRow(f"site-{i:05d}", f"https://site-{i:05d}.example.org/", [f"customer-{i % 50}"], []) for i in range(count)
    ]
    checks = [
        CheckRow(f"site-{i:05d}/{name}", f"site-{i:05d}", name, "http", {}, 60.0)
        for i in range(count)
        for name in ("web", "tls")
    ]
    with database.transaction() as connection:
        ids = sync_config(connection, sites, checks, now)
        failing = Status.ERROR
        states = {
            check_id: CheckState(failing if key.endswith("web") and hash(key) % 7 == 0 else Status.OK, now, Status.OK)
            for key, check_id in ids.items()
        }
        save_states(connection, states, now)
    database.close()


def measure(url: str, count: int) -> None:
    database = open_database(url)
    now = utcnow()
    requests = [
        BulkRequest("pause", query="name:site-*"),
        BulkRequest("acknowledge", query="status:error"),
        BulkRequest("maintenance", query="group:customer-7", reason="bench", ends_at=now + timedelta(hours=1)),
        BulkRequest("add_group", query="name:site-*", group="wave-1"),
        BulkRequest("notify", query="group:customer-3", message="bench"),
    ]
    print(f"{database.dialect}, {count} sites, {2 * count} checks")
    print(f"{'action':<12} {'sites':>7} {'changes':>8} {'preview ms':>11} {'apply ms':>9}")
    for request in requests:
        started = time.perf_counter()
        with database.transaction() as connection:
            plan = plan_bulk(connection, request, now)
        previewed = time.perf_counter()
        with database.transaction() as connection:
            done = apply_bulk(connection, plan, ACTOR, now)
        applied = time.perf_counter()
        print(
            f"{request.action:<12} {len(plan.sites):>7} {done.change_count:>8} "
            f"{(previewed - started) * 1000:>11.0f} {(applied - previewed) * 1000:>9.0f}"
        )
    database.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--url", action="append", help="an empty store URL to seed and measure (repeatable)")
    args = parser.parse_args()
    if args.url:
        for url in args.url:
            seed(url, args.sites)
            measure(url, args.sites)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        seed(url, args.sites)
        measure(url, args.sites)
    with throwaway_postgres() as url:
        if url is None:
            print("\npostgresql: no server answered; pass --url postgresql+psycopg://... to measure it")
            return 0
        print()
        seed(url, args.sites)
        measure(url, args.sites)
    return 0


if __name__ == "__main__":
    sys.exit(main())
