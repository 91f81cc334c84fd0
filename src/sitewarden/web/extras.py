"""Views of what other families store (inventory, verdicts, notifications): each is added here when its store
module exists, so the pages show what the installed sitewarden knows and nothing breaks while one is missing."""

from __future__ import annotations

import importlib.util
from typing import Any

from sqlalchemy import Connection

from sitewarden.store.overview import SiteSummary


def available(module: str) -> bool:
    """Whether an optional store module is present in this installation."""
    return importlib.util.find_spec(f"sitewarden.store.{module}") is not None


def overview_extras(connection: Connection, rows: list[SiteSummary]) -> None:
    """CMS, version and verdict per overview row, when inventory and catalog data exist."""
    del connection, rows


def site_extras(connection: Connection, site: str) -> dict[str, Any]:
    """Inventory, verdicts and advisories of one site, when those store modules exist."""
    del connection, site
    return {}


def fleet_extensions(connection: Connection, only: str | None) -> list[dict[str, Any]] | None:
    """Every extension or plugin seen across the fleet; None while no inventory store exists."""
    del connection, only
    return None


def handler_failures(connection: Connection) -> dict[str, int]:
    """Failed notification deliveries per handler kind; empty while no notification store exists."""
    del connection
    return {}
