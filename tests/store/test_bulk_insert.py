"""Rows inserted through the driver read back exactly as rows inserted through SQLAlchemy, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sitewarden.store.bulk_insert import insert_rows
from sitewarden.store.database import Database, open_database
from sitewarden.store.tables import checks

NOW = datetime(2026, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.close()


def test_shared_and_distinct_values_read_back_as_written(database: Database) -> None:
    shared = {"url": "/", "expect_status": ["200-299"], "headers": {}}
    rows = [
        {"key": f"s{n}/web", "site_id": None, "name": "web", "kind": "http", "interval_s": 60.0 + n % 2,
         "params": shared if n % 3 else {"url": f"/p{n}"}, "source": "config", "active": n != 4,
         "created_at": NOW, "updated_at": NOW, "spec_hash": None if n == 2 else f"h{n}",
             "failure_threshold": None if n == 1 else 3 + n % 2, "success_threshold": None if n == 1 else 1}
        for n in range(6)
    ]  # fmt: skip
    with database.transaction() as connection:
        insert_rows(connection, checks, rows)
        insert_rows(connection, checks, [])
        stored = connection.execute(select(checks).order_by(checks.c.key)).mappings().all()
    assert [dict(row) | {"id": 0} for row in stored] == [row | {"id": 0} for row in rows]
