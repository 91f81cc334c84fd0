"""Views of what other families store (inventory, verdicts, notifications), shaped for the pages and the API."""

from __future__ import annotations

from typing import Any

from sitewarden.app.database import Session
from sitewarden.catalog.verdicts import open_advisories
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.delivery_log import failed_attempts
from sitewarden.store.inventory import latest_snapshots
from sitewarden.store.overview import SiteSummary
from sitewarden.store.verdicts import page_verdicts, worst

FACTS = ("cms", "cms_version", "php_version", "database_kind", "database_version", "web_server")


def overview_extras(connection: Session, rows: list[SiteSummary]) -> None:
    """CMS, version, core verdict and worst verdict per shown overview row."""
    found = page_verdicts(connection, [row.name for row in rows]) if rows else {}
    for row in rows:
        row.extra.update(found.get(row.name, {}))


def site_extras(connection: Session, site: str) -> dict[str, Any]:
    """Inventory of one site with each item's verdict, and its open advisories; empty before any inventory."""
    inventory = site_inventory(connection, site)
    return {} if inventory is None else {"inventory": inventory, "advisories": inventory.pop("open_advisories")}


def site_inventory(connection: Session, site: str) -> dict[str, Any] | None:
    """Facts of the newest snapshot, every item (core, components, PHP, database) with its verdict, and advisories."""
    snapshots = sorted(latest_snapshots(connection, site), key=lambda stored: stored.last_seen_at)
    verdicts = assessment_rows(connection, site)
    if not snapshots and not verdicts:
        return None
    facts: dict[str, Any] = dict.fromkeys(FACTS)
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for stored in snapshots:
        snapshot = stored.snapshot
        facts.update({name: getattr(snapshot, name) for name in FACTS if getattr(snapshot, name) is not None})
        facts.update(collected_at=stored.collected_at, last_seen_at=stored.last_seen_at, source=snapshot.source)
        for component in snapshot.items():
            items[component.ident] = {
                "kind": component.kind,
                "key": component.key,
                "title": component.title,
                "version": component.version,
                "active": component.active,
            }
    for row in verdicts:
        item = items.setdefault(
            (row["item_kind"], row["item_key"]),
            {
                "kind": row["item_kind"],
                "key": row["item_key"],
                "title": None,
                "version": row["version"],
                "active": None,
            },
        )
        item.update(
            product=row["product"],
            verdict=row["verdict"],
            fixed_version=row["fixed_version"],
            latest=row["latest"],
            summary=row["summary"],
            advisories=[advisory.get("id") for advisory in row["advisories"] or []],
        )
    listed = sorted(items.values(), key=lambda item: (_kind_order(item["kind"]), item["key"]))
    return {
        "facts": facts,
        "items": listed,
        "verdict": worst([item["verdict"] for item in listed if item.get("verdict")]),
        "open_advisories": open_advisories(verdicts),
    }


def _kind_order(kind: str) -> int:
    order = ("core", "php", "database", "extension", "plugin", "module", "theme")
    return order.index(kind) if kind in order else len(order)


def handler_failures(connection: Session) -> dict[str, int]:
    """Failed notification delivery attempts per handler kind."""
    return failed_attempts(connection)
