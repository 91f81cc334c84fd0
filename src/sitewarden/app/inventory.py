"""Inventory reads: the latest snapshot of every site check with the stored verdicts, read in one transaction."""

from __future__ import annotations

from typing import Any

from sitewarden.app.database import store_session
from sitewarden.config.models import Config
from sitewarden.config.overlay import with_store_sites
from sitewarden.errors import NotFound
from sitewarden.inventory import COLLECTORS
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.inventory import StoredSnapshot, latest_snapshots
from sitewarden.store.sites import site_definitions_list

ADD_ONE = "add a check of kind {kinds} to the site's `checks:` (see docs/inventory.md)"

Verdicts = dict[str, dict[tuple[str, str], dict[str, Any]]]
"""Stored verdict rows by site, then by item (kind, key): what the tables and JSON look items up in."""


def read_judged(config: Config, site: str | None = None) -> tuple[list[StoredSnapshot], Verdicts]:
    """The latest snapshots and the sites' stored verdicts, read in one transaction so they agree.

    Nothing stored is an error that says why: no inventory check at all (and how to add one), or not run yet.
    """
    with store_session(config.store.url) as connection:
        found = latest_snapshots(connection, site)
        rows = assessment_rows(connection, site)
        definitions = site_definitions_list(connection) if not found else []
    if not found:
        _explain_nothing(with_store_sites(config, definitions), site)
    verdicts: Verdicts = {}
    for row in rows:
        verdicts.setdefault(row["site"], {})[(row["item_kind"], row["item_key"])] = row
    return found, verdicts


def _explain_nothing(config: Config, site: str | None) -> None:
    """Raise the reason no snapshot is stored: no inventory check (and how to add one), or not run yet."""
    kinds = " or ".join(f"`{kind}`" for kind in sorted(COLLECTORS))
    sites = [item for item in config.sites if site is None or item.name == site]
    if site is not None and not sites:
        raise NotFound(f"no site named '{site}'", hint="site names are listed by `sitewarden status`")
    if not any(check.kind in COLLECTORS for item in sites for check in item.checks):
        message = f"site '{site}' has no inventory check" if site is not None else "no site has an inventory check"
        raise NotFound(message, hint=ADD_ONE.format(kinds=kinds))
    where = f" for site '{site}'" if site is not None else ""
    raise NotFound(f"no inventory stored{where} yet", hint="run its inventory checks first (sitewarden run --once)")
