"""Group edits from bulk actions: groups added to or removed from sites, kept apart from the config file's groups.

The config file (or a store-defined site) says which groups a site has; an edit lays one group on top, so a
reload does not undo it. The `sites` rows are changed at once too, so queries and the overview see the edit
before the engine's next reload.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, select, update

from sitewarden.store.batches import chunked
from sitewarden.store.tables import site_group_edits, sites


def group_edits(connection: Connection) -> list[tuple[str, str, bool]]:
    """Every edit as (site, group, added), for laying over the config's groups."""
    query = select(site_group_edits.c.site, site_group_edits.c.group_name, site_group_edits.c.added)
    return [(row.site, row.group_name, bool(row.added)) for row in connection.execute(query)]


def edit_group(
    connection: Connection, names: Sequence[str], group: str, add: bool, by: str | None, now: datetime
) -> list[str]:
    """Add `group` to (or remove it from) these sites; returns the sites whose groups changed."""
    changed: list[str] = []
    for chunk in chunked(list(names)):
        query = select(sites.c.id, sites.c.name, sites.c.groups).where(sites.c.name.in_(chunk))
        updates = []
        for row in connection.execute(query).all():
            groups = list(row.groups or [])
            wanted = ([*groups, group] if group not in groups else groups) if add else [g for g in groups if g != group]
            if wanted != groups:
                updates.append({"row_id": row.id, "groups": wanted, "updated_at": now})
                changed.append(row.name)
        if updates:  # one executemany per chunk, not a statement per site
            connection.execute(update(sites).where(sites.c.id == bindparam("row_id")), updates)
        connection.execute(
            delete(site_group_edits).where(site_group_edits.c.site.in_(chunk), site_group_edits.c.group_name == group)
        )
        connection.execute(
            site_group_edits.insert(),
            [{"site": name, "group_name": group, "added": add, "created_by": by, "created_at": now} for name in chunk],
        )
    return sorted(changed)
