"""Judge whole sites: every item of the latest inventory snapshot, stored, with an event for each changed verdict."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection

from sitewarden.catalog.assess import Assessment, Item, Policy, assess_item, product_for
from sitewarden.catalog.identity import TER, guessed_packages, linked_products
from sitewarden.catalog.records import SEVERITIES
from sitewarden.catalog.settings import CatalogSettings
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.inventory.model import InventorySnapshot
from sitewarden.store.assessments import assessment_rows, save_assessments
from sitewarden.store.catalog import advisories_naming, alias_facts, product_rows
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events
from sitewarden.store.inventory import StoredSnapshot, latest_snapshots

logger = logging.getLogger(__name__)
VERDICT_SEVERITY = {
    "insecure": Severity.ERROR,
    "eol": Severity.WARNING,
    "outdated": Severity.NOTICE,
    "up_to_date": Severity.INFO,
    "unknown": Severity.INFO,
}


@dataclass(frozen=True, slots=True)
class Judging:
    """What judging needs from the config: the verdict policy and the extension key → Composer name overrides."""

    policy: Policy = field(default_factory=Policy)
    extension_keys: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: CatalogSettings | None) -> Judging:
        """From the `catalog:` settings; the defaults without."""
        if settings is None:
            return cls()
        return cls(Policy(elts_supported=settings.elts_supported), dict(settings.extension_keys))


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


def snapshot_items(snapshot: InventorySnapshot) -> list[Item]:
    """Core, PHP, database and every component of a snapshot, each with its catalogue product."""
    items = [
        Item(
            component.kind,
            component.key,
            product_for(snapshot.cms, component.kind, component.key),
            component.version,
            component.precision,
            source=snapshot.source,
        )
        for component in snapshot.items()
    ]
    if snapshot.php_version:
        items.append(Item("php", "php", "php", snapshot.php_version))
    if snapshot.database_kind and snapshot.database_kind != "sqlite":
        kind = snapshot.database_kind.lower()
        if kind == "mysql" and "mariadb" in (snapshot.database_version or "").lower():
            kind = "mariadb"
        items.append(Item("database", kind, kind, snapshot.database_version))
    return items


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
    events = [] if first else [_event(site, assessment, old) for assessment, old in changed]
    if first:
        events = [
            _event(site, assessment, None) for assessment, _ in changed if assessment.verdict in ("insecure", "eol")
        ]
    insert_events(connection, events)
    return judged, events


def _event(site: str, assessment: Assessment, old: str | None) -> Event:
    item = assessment.item
    security = assessment.verdict == "insecure" or old == "insecure"
    severity = VERDICT_SEVERITY[assessment.verdict]
    if assessment.verdict == "insecure" and assessment.severity == "critical":
        severity = Severity.CRITICAL
    was = f" (was {old})" if old else ""
    return Event(
        type=EventType.SECURITY if security else EventType.UPDATE,
        severity=severity,
        channel=f"site.{site}.assessment",
        message=f"{site}: {item.kind} {item.key} is {assessment.verdict}{was}: {assessment.summary}",
        payload={
            "item_kind": item.kind,
            "item_key": item.key,
            "product": item.product,
            "version": item.version,
            "verdict": assessment.verdict,
            "previous": old,
            "advisories": [advisory["id"] for advisory in assessment.advisories],
            "fixed_version": assessment.fixed_version,
            "latest": assessment.latest,
            "branch": assessment.branch,
            "support": assessment.support,
            "upgrade": assessment.upgrade,
        },
        site=site,
        check="assessment",
    )


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


def open_advisories(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per (advisory or insecure mark, site item), most severe first, for `sitewarden advisories`."""
    lines: list[dict[str, Any]] = []
    for row in rows:
        if row["verdict"] != "insecure":
            continue
        advisories = row["advisories"] or [{"id": "-", "title": row["summary"], "severity": None, "aliases": []}]
        for advisory in advisories:
            lines.append(
                {
                    **advisory,
                    "site": row["site"],
                    "item": f"{row['item_kind']} {row['item_key']}",
                    "version": row["version"],
                    "fixed_version": row["fixed_version"],
                }
            )
    rank = {name: index for index, name in enumerate(SEVERITIES)}
    lines.sort(key=lambda line: (-rank.get(line.get("severity") or "", -1), line["site"], line["item"]))
    return lines
