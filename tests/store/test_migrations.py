"""The migrations build exactly the schema that tables.py describes, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from sitewarden.store.database import open_database
from sitewarden.store.tables import metadata


def test_migrated_schema_matches_the_table_definitions(database_url: str) -> None:
    database = open_database(database_url)
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = compare_metadata(context, metadata)
    finally:
        database.close()
    assert differences == []
