"""The imported RDAP bootstrap, read back as TLD → server for `domain` checks."""

from __future__ import annotations

from sqlalchemy import Connection, select

from sitewarden.store.tables import catalog_products

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
