"""What `sitewarden status` and `sitewarden heartbeats` report: stored states, exit status, ping URLs.

The exit rule, the same for `status` and `run --once`: the worst *current* status of the checks, that is of each
check's latest result whether already confirmed (hard) or still soft; a check that has never run counts as unknown.
A soft status is shown as "error (soft, 1 of 3)": one of the three non-ok results in a row that confirm it.
"""

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
    thresholds = _thresholds(config)
    default = (config.defaults.failure_threshold, config.defaults.success_threshold)
    for row in rows:
        current = current_status(row)
        row["status"] = current.label if current is not None else "pending"
        row["soft"] = _soft_label(row, current, thresholds.get(row["key"], default))
        row["class"] = classes.get(row["id"])
        row["summary"] = row["last_summary"]
    return rows


def states_by_key(config: Config, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The state rows of these checks (for `run --once`, which shows the same soft/hard label as `status`)."""
    wanted = set(keys)
    return {row["key"]: row for row in read_states(config) if row["key"] in wanted}


def current_status(row: dict[str, Any]) -> Status | None:
    """The status of the latest result, soft or confirmed; None for a check that has not run."""
    if row.get("last_status") is not None:
        return Status(row["last_status"])
    return Status(row["hard_status"]) if row.get("hard_status") is not None else None


def exit_status(rows: list[dict[str, Any]]) -> Status:
    """Worst current status (see the module docstring); a check that has not run yet counts as unknown."""
    if not rows:
        return Status.UNKNOWN
    statuses = (current_status(row) for row in rows)
    return worst(Status.UNKNOWN if status is None else status for status in statuses)


def _soft_label(row: dict[str, Any], current: Status | None, thresholds: tuple[int, int]) -> str:
    """ "soft, 1 of 3" while the latest status is not yet the confirmed one, else ""."""
    hard = Status(row["hard_status"]) if row.get("hard_status") is not None else None
    if current is None or current is hard or not row.get("attempts"):
        return ""
    failure, success = thresholds
    return f"soft, {row['attempts']} of {success if current is Status.OK else failure}"


def _thresholds(config: Config) -> dict[str, tuple[int, int]]:
    """(failure, success) thresholds by check key, from the config file's plan."""
    from sitewarden.config.plan import plan_checks

    return {spec.key: (spec.failure_threshold, spec.success_threshold) for spec in plan_checks(config)}


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
