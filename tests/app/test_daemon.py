"""The daemon's composition: the notifier beside a running engine routes by the engine's current sites."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

from sitewarden.app.bulk import Actor, BulkRequest, bulk
from sitewarden.app.daemon import build_engine, start_notifier
from sitewarden.app.site_definitions import save_definition
from sitewarden.config.loader import parse_config
from sitewarden.engine.service import Engine
from sitewarden.events.model import Event
from sitewarden.results import utcnow
from sitewarden.store.database import Database, open_database
from sitewarden.store.events import insert_events
from tests.events.fleet import state_event

WAIT = 20.0
"""Seconds a step may take before the test gives up (a bound, not a measured figure)."""


def _sites_in(path: Path) -> list[str]:
    lines = path.read_text().splitlines() if path.exists() else []
    return [str(json.loads(line)["site"]) for line in lines]


async def _until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(int(WAIT / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def _store(database: Database, events: list[Event]) -> None:
    with database.transaction() as connection:
        insert_events(connection, events)


async def test_bulk_group_edit_and_api_site_route_by_group_after_a_reload_without_a_restart(
    sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "customer-a.jsonl"
    config = parse_config(
        f"""
store: {{url: "{sqlite_url}"}}
notifications: {{poll_interval: 0.05}}
targets:
  - name: customer-a
    match: {{groups: [customer-a]}}
    handlers: [{{kind: file, path: "{out}"}}]
sites:
  - {{name: known, url: "http://127.0.0.1:9/", groups: [customer-a]}}
  - {{name: shop, url: "http://127.0.0.1:9/"}}
""",
        "test.yaml",
    )
    database = open_database(sqlite_url)
    engine = build_engine(config, database)
    stop = asyncio.Event()
    running = asyncio.create_task(engine.run_forever(stop))
    notifier = start_notifier(config, database, engine, stop)
    try:
        # Before the edit: shop is in no group, so only the sentinel site's event reaches the target.
        _store(database, [state_event("shop", "error"), state_event("known", "error")])
        await _until(lambda: "known" in _sites_in(out), "the sentinel event")
        assert _sites_in(out) == ["known"]

        with database.transaction() as connection:
            request = BulkRequest("add_group", sites=("shop",), group="customer-a")
            bulk(connection, request, Actor("alice"), utcnow(), dry_run=False)
        await _until(lambda: "customer-a" in _groups(engine, "shop"), "the engine's reload after the bulk edit")
        _store(database, [state_event("shop", "warning", "error")])
        await _until(lambda: "shop" in _sites_in(out), "shop's event after the bulk edit")

        with database.transaction() as connection:
            definition = {"name": "newcomer", "url": "http://127.0.0.1:9/", "groups": ["customer-a"]}
            assert save_definition(connection, definition, "alice", None)
        await _until(lambda: "customer-a" in _groups(engine, "newcomer"), "the engine's reload after the API save")
        _store(database, [state_event("newcomer", "error")])
        await _until(lambda: "newcomer" in _sites_in(out), "the API-defined site's event")
        assert _sites_in(out) == ["known", "shop", "newcomer"]
    finally:
        stop.set()
        await running
        await notifier
        database.close()


def _groups(engine: Engine, site: str) -> list[str]:
    """The site's groups in the engine's current effective config."""
    return next((list(entry.groups) for entry in engine.config.sites if entry.name == site), [])
