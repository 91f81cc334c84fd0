"""Assess and record: judge a site's latest inventory snapshot against the catalogue, store verdicts and events."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from sqlalchemy import Connection

from sitewarden.acceptance import utc_today
from sitewarden.app.findings import apply_acceptances
from sitewarden.catalog.assess import Assessment, Item, assess_item
from sitewarden.catalog.identity import TER, guessed_packages, linked_products
from sitewarden.catalog.verdicts import Judging, snapshot_items, verdict_event
from sitewarden.events.model import Event
from sitewarden.inventory.model import InventorySnapshot
from sitewarden.store.assessments import assessment_rows, save_assessments
from sitewarden.store.catalog import advisories_naming, alias_facts, product_rows
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events
from sitewarden.store.inventory import StoredSnapshot, latest_snapshots

logger = logging.getLogger(__name__)


def link_items(connection: Connection, items: list[Item], judging: Judging) -> list[Item]:
    """Each item with the products that are the same software (extension key ↔ Composer name)."""
    facts = alias_facts(connection)
    linked = []
    for item in items:
        aliases = linked_products(item.product, facts, judging.extension_keys)
        if not aliases and item.product.startswith(TER):
            aliases = guessed_packages(item.key, advisories_naming(connection, item.key))
        linked.append(replace(item, aliases=tuple(aliases)) if aliases else item)
    return linked


def judge_items(
    connection: Connection, items: list[Item], judging: Judging | None = None, today: date | None = None
) -> list[Assessment]:
    """Judge items against the stored catalogue: the one path for monitored sites and `sitewarden verdict`."""
    judging = judging or Judging()
    items = link_items(connection, items, judging)
    rows = product_rows(connection, [name for item in items for name in (item.product, *item.aliases)])
    return [assess_item(item, rows, today, judging.policy) for item in items]


def assess_site(
    connection: Connection,
    site: str,
    snapshot: InventorySnapshot,
    today: date | None = None,
    judging: Judging | None = None,
) -> tuple[list[Assessment], list[Event]]:
    """Judge and store one site's items; events for the verdicts that changed (none on the very first judgement)."""
    judged = judge_items(connection, snapshot_items(snapshot), judging, today)
    first = not assessment_rows(connection, site)
    changed = save_assessments(connection, site, judged)
    covered = apply_acceptances(connection, site, today or utc_today())
    changed = [
        (judged_item, old)
        for judged_item, old in changed
        if (judged_item.item.kind, judged_item.item.key) not in covered
    ]
    events = [] if first else [verdict_event(site, assessment, old) for assessment, old in changed]
    if first:
        events = [
            verdict_event(site, assessment, None)
            for assessment, _ in changed
            if assessment.verdict in ("insecure", "eol")
        ]
    insert_events(connection, events)
    return judged, events


def current_snapshot(snapshots: Iterable[StoredSnapshot]) -> InventorySnapshot | None:
    """The snapshot a site is judged by when several checks collect its inventory.

    A recognised CMS beats none, a protocol answer (typo3_client, cms_health) beats a fingerprint, then the check
    name decides: the choice must not flip between runs, or verdicts (and their events) would flap.
    """
    ranked = sorted(
        snapshots, key=lambda item: (item.snapshot.cms is None, item.snapshot.source == "fingerprint", item.check)
    )
    return ranked[0].snapshot if ranked else None


def assess_current(
    connection: Connection, site: str, today: date | None = None, judging: Judging | None = None
) -> list[Event]:
    """Judge a site's current inventory inside the caller's transaction (the recorder's, right after a snapshot)."""
    snapshot = current_snapshot(latest_snapshots(connection, site))
    if snapshot is None:
        return []
    _, events = assess_site(connection, site, snapshot, today, judging)
    return events


def reassess_fleet(database: Database, today: date | None = None, judging: Judging | None = None) -> int:
    """Judge every site's latest inventory again (after an import); returns how many verdicts changed."""
    with database.transaction() as connection:
        snapshots = latest_snapshots(connection)
    sites = sorted({stored.site for stored in snapshots if stored.site is not None})
    changed = 0
    for site in sites:
        with database.transaction() as connection:
            changed += len(assess_current(connection, site, today, judging))
    return changed
