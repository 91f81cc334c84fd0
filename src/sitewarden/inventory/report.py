"""`sitewarden inventory [SITE]`: the latest snapshot of every site check with its verdicts, as tables or JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table

from sitewarden.catalog.summary import advisory_ids, update_to, worst_verdict
from sitewarden.catalog.verdicts import snapshot_items
from sitewarden.console import verdict_text
from sitewarden.errors import NotFound
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.database import open_database
from sitewarden.store.inventory import StoredSnapshot, latest_snapshots

Verdicts = dict[str, dict[tuple[str, str], dict[str, Any]]]
"""Stored verdict rows by site, then by item (kind, key): what the tables and JSON look items up in."""


def read_inventory(store_url: str, site: str | None = None) -> list[StoredSnapshot]:
    """The latest snapshots, of one site or all; a named site without any is NotFound."""
    return read_judged(store_url, site)[0]


def read_judged(store_url: str, site: str | None = None) -> tuple[list[StoredSnapshot], Verdicts]:
    """The latest snapshots and the sites' stored verdicts, read in one transaction so they agree."""
    database = open_database(store_url)
    try:
        with database.transaction() as connection:
            found = latest_snapshots(connection, site)
            rows = assessment_rows(connection, site)
    finally:
        database.close()
    if site is not None and not found:
        raise NotFound(
            f"no inventory stored for site '{site}'", hint="run its inventory checks first (sitewarden run --once)"
        )
    verdicts: Verdicts = {}
    for row in rows:
        verdicts.setdefault(row["site"], {})[(row["item_kind"], row["item_key"])] = row
    return found, verdicts


def inventory_json(found: list[StoredSnapshot], verdicts: Verdicts | None = None) -> list[dict[str, Any]]:
    """Each snapshot as stored, plus the site's worst verdict and one entry per judged item."""
    entries = []
    for stored in found:
        entry = stored.as_dict()
        own = (verdicts or {}).get(stored.site or "", {})
        entry["verdict"] = worst_verdict(row["verdict"] for row in own.values())
        entry["assessments"] = [_assessment(row) for row in own.values()]
        entries.append(entry)
    return entries


def _assessment(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": row["item_kind"],
        "key": row["item_key"],
        "product": row["product"],
        "version": row["version"],
        "verdict": row["verdict"],
        "update_to": update_to(row),
        "fixed_version": row["fixed_version"],
        "latest": row["latest"],
        "advisories": advisory_ids(row),
        "summary": row["summary"],
    }


def inventory_tables(found: list[StoredSnapshot], *, components: bool, verdicts: Verdicts | None = None) -> Group:
    """One overview table; with `components` (one site asked for) a table of judged items per snapshot too."""
    overview = Table(title="inventory", expand=False)
    for column in ("site", "check", "cms", "version", "php", "database", "web server", "items", "verdict", "seen"):
        overview.add_column(column, overflow="fold")
    parts: list[Any] = [overview]
    for stored in found:
        snap = stored.snapshot
        own = (verdicts or {}).get(stored.site or "", {})
        version = snap.cms_version or ""
        if version and snap.cms_version_precision in ("major", "minor"):
            version += f" ({snap.cms_version_precision} only)"
        database = " ".join(part for part in (snap.database_kind, snap.database_version) if part)
        overview.add_row(
            stored.site or "-",
            stored.check,
            snap.cms or "-",
            version or "-",
            snap.php_version or "-",
            database or "-",
            snap.web_server or "-",
            str(len(snap.components)),
            verdict_text(worst_verdict(row["verdict"] for row in own.values())),
            stored.last_seen_at.isoformat(timespec="seconds"),
        )
        if components and (snap.components or own):
            parts.append(_items_table(stored, own))
    return Group(*parts)


def _items_table(stored: StoredSnapshot, own: dict[tuple[str, str], dict[str, Any]]) -> Table:
    """Core, PHP, database and every component with its verdict, what to update to, and the advisories."""
    snap = stored.snapshot
    table = Table(title=f"{stored.site or '-'}/{stored.check}: components", expand=False)
    for column in ("kind", "key", "version", "active", "verdict", "update to", "advisories", "title", "source"):
        table.add_column(column, overflow="fold")
    components = {component.ident: component for component in snap.items()}
    for item in snapshot_items(snap):
        component = components.get((item.kind, item.key))
        row = own.get((item.kind, item.key))
        active = "" if component is None or component.active is None else ("yes" if component.active else "no")
        source = component.origin.source if component is not None and component.origin else ""
        table.add_row(
            item.kind,
            item.key,
            item.version or "",
            active,
            verdict_text(row["verdict"] if row else None),
            (update_to(row) or "") if row else "",
            ", ".join(advisory_ids(row, aliases=True)) if row else "",
            (component.title or "") if component is not None else "",
            source,
        )
    return table
