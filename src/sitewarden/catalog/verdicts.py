"""Judging whole sites, the pure part: a snapshot's items, the event for a changed verdict, the open advisories."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sitewarden.acceptance import counted
from sitewarden.catalog.assess import Assessment, Item, Policy, product_for
from sitewarden.catalog.records import SEVERITIES
from sitewarden.catalog.settings import CatalogSettings
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.inventory.model import InventorySnapshot

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


def verdict_event(site: str, assessment: Assessment, old: str | None) -> Event:
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


def open_advisories(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per (advisory or insecure mark, site item) not accepted, most severe first (`sitewarden advisories`)."""
    lines: list[dict[str, Any]] = []
    for row in counted(rows):
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
