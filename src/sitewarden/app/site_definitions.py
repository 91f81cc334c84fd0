"""Store-defined sites from the API: save, edit and delete definitions, and ask the engine to reload after each."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from sitewarden.app.database import Session
from sitewarden.errors import Conflict, NotFound, SitewardenError
from sitewarden.results import utcnow
from sitewarden.store.commands import request_command
from sitewarden.store.history import site_row
from sitewarden.store.sites import delete_site_definition, save_site_definition, site_definition

Edit = Callable[[dict[str, Any]], dict[str, Any]]
"""Changes a copy of a definition and returns it validated."""


def save_definition(connection: Session, definition: dict[str, Any], user: str, replacing: str | None) -> bool:
    """Store a definition (new, or replacing the site `replacing`); False when a new one's name is taken."""
    if replacing is not None:
        _writable(connection, replacing)
    try:
        new = save_site_definition(connection, definition, "api", utcnow())
    except SitewardenError as exc:
        raise Conflict(exc.message) from None
    if replacing is None and not new:
        return False
    request_command(connection, "*", "reload", utcnow(), requested_by=user)
    return new


def edit_definition(connection: Session, name: str, edit: Edit, user: str) -> dict[str, Any]:
    """Apply `edit` to a store-defined site's definition and save it; the edited definition."""
    _writable(connection, name)
    current = site_definition(connection, name)
    if current is None:
        raise NotFound(f"no store-defined site named '{name}'")
    definition = edit(copy.deepcopy(current))
    save_definition(connection, definition, user, name)
    return definition


def delete_definition(connection: Session, name: str, user: str) -> bool:
    """Delete a store-defined site; False when there is none of that name."""
    _writable(connection, name)
    gone = delete_site_definition(connection, name)
    if gone:
        request_command(connection, "*", "reload", utcnow(), requested_by=user)
    return gone


def _writable(connection: Session, name: str) -> None:
    row = site_row(connection, name)
    if row is not None and row["active"] and row["source"] == "config":
        raise Conflict(f"site '{name}' is defined in the config file and is read-only in the API")
