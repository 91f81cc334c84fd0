"""Sites defined in the store (by the API or `sites import`) rather than in the YAML file.

A definition is a dict in the `sites:` item shape; secrets stay as references (`${ENV}`, `file:`), never values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, select, update

from sitewarden.errors import SitewardenError
from sitewarden.store.tables import site_definitions, sites

STORE_SOURCES = ("api", "import")


def save_site_definition(connection: Connection, definition: dict[str, Any], source: str, now: Any) -> bool:
    """Insert or replace a store-defined site; returns True when it was new. Config sites cannot be replaced."""
    name = str(definition["name"])
    configured = connection.scalar(select(sites.c.source).where(sites.c.name == name, sites.c.active.is_(True)))
    if configured == "config":
        raise SitewardenError(f"site '{name}' is defined in the config file and is read-only here")
    existing = connection.scalar(select(site_definitions.c.name).where(site_definitions.c.name == name))
    if existing is None:
        connection.execute(
            site_definitions.insert().values(
                name=name, definition=definition, source=source, created_at=now, updated_at=now
            )
        )
        return True
    connection.execute(
        update(site_definitions)
        .where(site_definitions.c.name == name)
        .values(definition=definition, source=source, updated_at=now)
    )
    return False


def delete_site_definition(connection: Connection, name: str) -> bool:
    outcome = connection.execute(delete(site_definitions).where(site_definitions.c.name == name))
    return bool(outcome.rowcount)


def site_definitions_list(connection: Connection) -> list[dict[str, Any]]:
    """Every store-defined site as its definition dict, ordered by name."""
    query = select(site_definitions.c.definition).order_by(site_definitions.c.name)
    return [dict(row.definition) for row in connection.execute(query)]


def site_definition(connection: Connection, name: str) -> dict[str, Any] | None:
    row = connection.execute(select(site_definitions.c.definition).where(site_definitions.c.name == name)).first()
    return dict(row.definition) if row is not None else None
