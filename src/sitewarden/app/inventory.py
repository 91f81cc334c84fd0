"""Inventory reads: the latest snapshot of every site check with the stored verdicts, read in one transaction."""

from __future__ import annotations

from typing import Any

from sitewarden.app.database import store_session
from sitewarden.errors import NotFound
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.inventory import StoredSnapshot, latest_snapshots

Verdicts = dict[str, dict[tuple[str, str], dict[str, Any]]]
"""Stored verdict rows by site, then by item (kind, key): what the tables and JSON look items up in."""


def read_judged(store_url: str, site: str | None = None) -> tuple[list[StoredSnapshot], Verdicts]:
    """The latest snapshots and the sites' stored verdicts, read in one transaction so they agree."""
    with store_session(store_url) as connection:
        found = latest_snapshots(connection, site)
        rows = assessment_rows(connection, site)
    if site is not None and not found:
        raise NotFound(
            f"no inventory stored for site '{site}'", hint="run its inventory checks first (sitewarden run --once)"
        )
    verdicts: Verdicts = {}
    for row in rows:
        verdicts.setdefault(row["site"], {})[(row["item_kind"], row["item_key"])] = row
    return found, verdicts
