"""The one way into the store for the CLI, the web app and the daemon: open (and migrate) it, or only migrate it.

`Database` and `Session` are named here so the layers above never import the store's engine or SQLAlchemy: a web
read function takes a `Session` (one transaction) and calls the store's read functions with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from sitewarden.config.models import Config
from sitewarden.store.database import Database, open_database, safe_url

Session = Connection
"""What a read or write function receives: a connection inside one transaction."""

__all__ = ["Database", "Session", "open_store", "safe_store_url", "store_session", "upgrade_database"]


def open_store(url: str) -> Database:
    """Open and migrate the store at `url`: what every command and server that touches it does first."""
    return open_database(url)


def upgrade_database(config: Config) -> list[str]:
    """`sitewarden db upgrade`: apply pending migrations; returns the revisions applied."""
    database = Database(config.store.url)
    try:
        return database.upgrade()
    finally:
        database.close()


def safe_store_url(url: str) -> str:
    """The store URL with its password hidden (`check-config` prints it)."""
    return safe_url(url)


@contextmanager
def store_session(url: str) -> Iterator[Session]:
    """Open the store, run one transaction and close it again: what a one-shot command's read or write needs."""
    database = open_database(url)
    try:
        with database.transaction() as connection:
            yield connection
    finally:
        database.close()
