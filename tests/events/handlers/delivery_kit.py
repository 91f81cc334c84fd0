"""A one-target config and notifier around a single handler, so each handler test drives real delivery."""

from __future__ import annotations

from sitewarden.events.notifier import Notifier
from sitewarden.store.database import Database, open_database
from tests.events.fleet import Clock, config_from, state_event, store_events
from tests.fixtures.store_reads import attempt_rows, delivery_rows

Deliveries = list[dict[str, object]]


async def deliver_one(handler_yaml: str, store_url: str, extra_yaml: str = "") -> tuple[Database, Deliveries]:
    """Store one error event, run the notifier until nothing is pending; return the database and the deliveries."""
    config = config_from(f"targets: [{{name: ops, handlers: [{handler_yaml}]}}]\n{extra_yaml}", store_url, sites=1)
    database = open_database(store_url)
    clock = Clock()
    store_events(database, [state_event("site000", "error")])
    await Notifier(config, database, clock=clock, sleep=clock.sleep).flush()
    with database.transaction() as connection:
        rows = delivery_rows(connection)
        for row in rows:
            row["attempt_rows"] = attempt_rows(connection, int(row["id"]))
    return database, rows
