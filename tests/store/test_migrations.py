"""The migrations build exactly the schema that tables.py describes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from sitewarden.store.database import open_database
from sitewarden.store.tables import metadata
from tests.fixtures.database import create_postgres_database, drop_postgres_database, postgres_available


def test_migrated_schema_matches_the_table_definitions(database_url: str) -> None:
    database = open_database(database_url)
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = compare_metadata(context, metadata)
    finally:
        database.close()
    assert differences == []


@pytest.mark.postgres
def test_two_processes_migrating_a_fresh_postgresql_database_both_succeed() -> None:
    """Two workers started at once on an empty database: one migrates under the lock, the other finds it done."""
    if not postgres_available():
        pytest.skip("PostgreSQL on 127.0.0.1:5432 is not reachable")
    url = create_postgres_database()
    code = "import sys; from sitewarden.store.database import open_database; open_database(sys.argv[1]).close()"
    try:
        processes = [
            subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE, text=True) for _ in range(2)
        ]
        outcomes = [_outcome(process) for process in processes]
        assert outcomes == [(0, ""), (0, "")]
        database = open_database(url)
        assert database.pending_migrations() == []
        database.close()
    finally:
        drop_postgres_database(url)


def _outcome(process: subprocess.Popen[str]) -> tuple[int, str]:
    return process.wait(timeout=120), process.stderr.read() if process.stderr else ""
