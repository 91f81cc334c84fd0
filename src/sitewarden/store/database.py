"""Opening the database: engine, SQLite pragmas, migrations, and SQLAlchemy errors mapped to StoreError."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from sitewarden.errors import StoreError

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x5174_7761_7264  # the advisory lock id every sitewarden process migrates under


class Database:
    """One SQLAlchemy engine with sitewarden's settings; `transaction()` is the only way in."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError("the store URL is not a valid database URL") from None
        self.safe_url = parsed.render_as_string(hide_password=True)
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
        self.engine: Engine = create_engine(parsed, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one transaction: committed on success, rolled back on any error."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except SQLAlchemyError as exc:
            logger.debug("database error", exc_info=True)
            raise StoreError(f"database error on {self.safe_url}: {_short(exc)}") from exc

    def upgrade(self) -> list[str]:
        """Apply every pending migration; return the revisions that were applied."""
        try:
            with self.engine.begin() as connection:
                if self.dialect == "postgresql":  # two workers starting on a fresh database: one migrates, one waits
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                before = set(MigrationContext.configure(connection).get_current_heads())
                config = _alembic_config(connection)
                command.upgrade(config, "heads")
                after = set(MigrationContext.configure(connection).get_current_heads())
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate the database {self.safe_url}: {_short(exc)}") from exc
        applied = sorted(after - before)
        if applied:
            logger.info("database migrated url=%s revisions=%s", self.safe_url, ",".join(applied))
        return applied

    def pending_migrations(self) -> list[str]:
        with self.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
            script = ScriptDirectory.from_config(_alembic_config(connection))
            heads = set(script.get_heads())
        return sorted(heads - current)

    def close(self) -> None:
        self.engine.dispose()


def safe_url(url: str) -> str:
    """The store URL with its password hidden, for output and logs; `<invalid>` when it does not parse."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<invalid>"


def open_database(url: str) -> Database:
    """Open and migrate: what every command that touches the store does first."""
    database = Database(url)
    database.upgrade()
    return database


def upsert_statement(target: Connection | Dialect, table: Table) -> Any:
    """The dialect's INSERT that supports `.on_conflict_do_update` (SQLite and PostgreSQL spell it alike)."""
    dialect = target.dialect if isinstance(target, Connection) else target
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def _alembic_config(connection: Connection) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _short(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
