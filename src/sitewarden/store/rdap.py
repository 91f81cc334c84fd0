"""The imported RDAP bootstrap, read back as TLD → server for `domain` checks, and re-read when it changes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from sitewarden.store.database import Database
from sitewarden.store.tables import catalog_fetches, catalog_products

SOURCE = "rdap"
PREFIX = "rdap:"


def rdap_servers(connection: Connection) -> dict[str, str]:
    """TLD → RDAP base URL, as the last `sitewarden import rdap` stored it."""
    query = select(catalog_products.c.product, catalog_products.c.reason).where(catalog_products.c.source == SOURCE)
    return {
        str(product).removeprefix(PREFIX): str(reason)
        for product, reason in connection.execute(query)
        if reason and str(product).startswith(PREFIX)
    }


def rdap_version(connection: Connection) -> tuple[tuple[str, int], ...]:
    """Which bootstrap is stored: the generation of each imported part (every applied import raises it)."""
    query = (
        select(catalog_fetches.c.part, catalog_fetches.c.generation)
        .where(catalog_fetches.c.source == SOURCE)
        .order_by(catalog_fetches.c.part)
    )
    return tuple((str(part), int(generation)) for part, generation in connection.execute(query))


class RdapDirectory:
    """The `rdap_servers` service of a running engine: TLD → server, the stored bootstrap under the config's overrides.

    Each lookup reads the stored bootstrap's version (one small query) and reloads the servers when
    `sitewarden import rdap` stored a new one, so a daemon needs no restart after an import.
    """

    def __init__(self, database: Database, overrides: Mapping[str, str]) -> None:
        self.database = database
        self.overrides = {tld.lower().strip("."): url for tld, url in overrides.items()}
        self._version: tuple[Any, ...] | None = None
        self._servers: dict[str, str] = {}
        self._lock = threading.Lock()

    async def server_for(self, tld: str) -> str | None:
        servers = await asyncio.to_thread(self.current)
        return servers.get(tld.lower())

    def current(self) -> dict[str, str]:
        """The servers now in force, reloaded when the stored bootstrap changed since the last lookup."""
        with self._lock, self.database.transaction() as connection:
            version = rdap_version(connection)
            if version != self._version:
                self._servers = {**rdap_servers(connection), **self.overrides}
                self._version = version
            return self._servers
