"""What `sitewarden status` and `sitewarden heartbeats` report: stored states, exit status, ping URLs."""

from __future__ import annotations

from typing import Any

from sitewarden.app.daemon import build_services
from sitewarden.app.database import store_session
from sitewarden.config.models import Config
from sitewarden.errors import NotFound
from sitewarden.results import Status, utcnow, worst
from sitewarden.store.database import open_database
from sitewarden.store.heartbeats import heartbeat_lines as stored_heartbeat_lines
from sitewarden.store.results import last_failure_classes
from sitewarden.store.states import state_rows


def read_states(config: Config, name: str | None = None) -> list[dict[str, Any]]:
    """States of the active checks (all, or of one site or check); a name that matches nothing is an error."""
    with store_session(config.store.url) as connection:
        rows = state_rows(connection, name)
        classes = last_failure_classes(connection, [row["id"] for row in rows])
    if name and not rows:
        raise NotFound(f"no site or check named '{name}' has been run yet", hint="see `sitewarden status`")
    for row in rows:
        row["status"] = Status(row["hard_status"]).label if row["hard_status"] is not None else "pending"
        row["class"] = classes.get(row["id"])
        row["summary"] = row["last_summary"]
    return rows


def exit_status(rows: list[dict[str, Any]]) -> Status:
    """Worst confirmed status; a check without a confirmed status yet counts as unknown."""
    if not rows:
        return Status.UNKNOWN
    return worst(Status(row["hard_status"]) if row["hard_status"] is not None else Status.UNKNOWN for row in rows)


def heartbeat_lines(config: Config) -> list[dict[str, str]]:
    """Each heartbeat check's ping path and last ping, after syncing the configured heartbeats to the store."""
    database = open_database(config.store.url)
    try:
        build_services(config, database)
        with database.transaction() as connection:
            return stored_heartbeat_lines(connection, utcnow())
    finally:
        database.close()


def engine_figures(config: Config) -> list[dict[str, Any]]:
    """Every engine's last published figures: runs, start lag percentiles and histogram, offered and started load."""
    from sitewarden.store.workers import worker_stats

    database = open_database(config.store.url)
    try:
        with database.transaction() as connection:
            return worker_stats(connection)
    finally:
        database.close()
