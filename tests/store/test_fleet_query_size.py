"""A fleet query matching more sites than a statement can bind parameters: SQLite's usual build takes 32,766,
PostgreSQL 65,535. The overview, the API listing and bulk actions must not list the names one parameter each.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from sitewarden.app.bulk import BulkRequest, plan_bulk
from sitewarden.app.views import overview_matching
from sitewarden.store.checks import SiteRow, sync_config
from sitewarden.store.database import open_database
from sitewarden.store.overview import OverviewQuery

SQLITE_DEFAULT_LIMIT = 32_766
"""SQLITE_MAX_VARIABLE_NUMBER of SQLite's own builds (Debian's is 250,000, so the test sets the usual one)."""
FLEETS = {"sqlite": 40_000, "postgresql": 70_000}
NOW = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


def test_a_query_matching_more_sites_than_parameters_pages_the_overview_and_plans_a_bulk(database_url: str) -> None:
    database = open_database(database_url)
    backend = database.engine.dialect.name
    if backend == "sqlite":
        event.listen(database.engine, "connect", _usual_sqlite_limit)
        database.engine.dispose()
    fleet = FLEETS[backend]
    rows = [SiteRow(f"site{n:05d}", f"https://site{n}.example.org/", ["agency"], []) for n in range(fleet)]
    rows.append(SiteRow("elsewhere", "https://elsewhere.example.org/", ["other"], []))
    try:
        with database.transaction() as connection:
            sync_config(connection, rows, [], NOW)
        with database.transaction() as connection:
            page, matches = overview_matching(connection, OverviewQuery(search="group:agency", sort="name", page=800))
        assert page.total == fleet and len(matches) == fleet
        assert [site.name for site in page.sites][:2] == ["site39950", "site39951"] and len(page.sites) == 50
        with database.transaction() as connection:
            plan = plan_bulk(connection, BulkRequest("add_group", query="group:agency", group="wave-1"), NOW)
        assert len(plan.changed_sites) == fleet and "elsewhere" not in plan.changes
    finally:
        database.close()


def _usual_sqlite_limit(connection: Any, _record: Any) -> None:
    connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, SQLITE_DEFAULT_LIMIT)
