"""What `sitewarden status` and `sitewarden heartbeats` report: stored states, exit status, ping URLs.

The exit rule, the same for `status` and `run --once`: the worst *current* status of the checks, that is of each
check's latest result whether already confirmed (hard) or still soft; a check that has never run counts as unknown.
A soft status is shown as "error (soft, 1 of 3)" (`app.soft_states`, shared with the demo and the dashboard).
"""

from __future__ import annotations

from typing import Any

from sitewarden.app.daemon import build_services
from sitewarden.app.database import store_session
from sitewarden.app.soft_states import current_status, default_thresholds, soft_state
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
    thresholds = default_thresholds(config)
    for row in rows:
        row["status"], row["soft"] = soft_state(row, thresholds.of(row))
        row["class"] = classes.get(row["id"])
        row["summary"] = row["last_summary"]
    return rows


def states_by_key(config: Config, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The state rows of these checks (for `run --once`, which shows the same soft/hard label as `status`)."""
    wanted = set(keys)
    return {row["key"]: row for row in read_states(config) if row["key"] in wanted}


def exit_status(rows: list[dict[str, Any]]) -> Status:
    """Worst current status (see the module docstring); a check that has not run yet counts as unknown."""
    if not rows:
        return Status.UNKNOWN
    statuses = (current_status(row) for row in rows)
    return worst(Status.UNKNOWN if status is None else status for status in statuses)


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
