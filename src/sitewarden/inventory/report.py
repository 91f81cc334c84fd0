"""`sitewarden inventory [SITE]`: the latest snapshot of every site check, as a table or as JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table

from sitewarden.errors import NotFound
from sitewarden.store.database import open_database
from sitewarden.store.inventory import StoredSnapshot, latest_snapshots


def read_inventory(store_url: str, site: str | None = None) -> list[StoredSnapshot]:
    """The latest snapshots, of one site or all; a named site without any is NotFound."""
    database = open_database(store_url)
    try:
        with database.transaction() as connection:
            found = latest_snapshots(connection, site)
    finally:
        database.close()
    if site is not None and not found:
        raise NotFound(
            f"no inventory stored for site '{site}'", hint="run its inventory checks first (sitewarden run --once)"
        )
    return found


def inventory_json(found: list[StoredSnapshot]) -> list[dict[str, Any]]:
    return [stored.as_dict() for stored in found]


def inventory_tables(found: list[StoredSnapshot], *, components: bool) -> Group:
    """One overview table; with `components` (one site asked for) a table of components per snapshot too."""
    overview = Table(title="inventory", expand=False)
    for column in ("site", "check", "cms", "version", "php", "database", "web server", "items", "seen"):
        overview.add_column(column, overflow="fold")
    parts: list[Any] = [overview]
    for stored in found:
        snap = stored.snapshot
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
            stored.last_seen_at.isoformat(timespec="seconds"),
        )
        if components and snap.components:
            table = Table(title=f"{stored.site or '-'}/{stored.check}: components", expand=False)
            for column in ("kind", "key", "version", "active", "title", "source"):
                table.add_column(column, overflow="fold")
            for item in snap.components:
                active = "" if item.active is None else ("yes" if item.active else "no")
                source = item.origin.source if item.origin else ""
                table.add_row(item.kind, item.key, item.version or "", active, item.title or "", source)
            parts.append(table)
    return Group(*parts)
