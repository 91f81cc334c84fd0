"""The store at fleet sizes past PostgreSQL's 65,535 bind parameters per statement: every id set is chunked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from sitewarden.engine.writer import PendingWrite, write_batch
from sitewarden.results import Result, Status
from sitewarden.states import CheckState
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database, open_database
from sitewarden.store.overview import latest_certificates
from sitewarden.store.results import last_failure_classes
from sitewarden.store.states import load_states, state_rows

FLEET = 70_000
NOW = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.close()


def _rows(count: int, interval: float = 60.0) -> tuple[list[SiteRow], list[CheckRow]]:
    sites = [SiteRow(f"site{number}", f"http://127.0.0.1/{number}", [], []) for number in range(count // 10)]
    checks = [
        CheckRow(f"site{number // 10}/web{number}", f"site{number // 10}", f"web{number}", "http", {}, interval)
        for number in range(count)
    ]
    return sites, checks


def test_a_fleet_of_70000_checks_syncs_stores_results_loads_states_and_deactivates(database: Database) -> None:
    sites, checks = _rows(FLEET)
    with database.transaction() as connection:
        ids = sync_config(connection, sites, checks, NOW)
    assert len(ids) == FLEET
    state = CheckState(Status.OK, NOW, Status.OK, last_status=Status.OK, last_result_at=NOW)
    result = Result(Status.OK, "200 OK", started_at=NOW, duration_ms=1.0)
    write_batch(database, [PendingWrite(check_id, result, state) for check_id in ids.values()])
    with database.transaction() as connection:
        assert len(load_states(connection, list(ids.values()))) == FLEET
        assert latest_certificates(connection, ["tls"], list(range(1, FLEET))) == []
        assert last_failure_classes(connection, list(ids.values())) == {}
    _, changed = _rows(FLEET, interval=300.0)
    with database.transaction() as connection:
        assert sync_config(connection, sites, changed, NOW) == ids
    with database.transaction() as connection:
        sync_config(connection, [], [], NOW)
        assert state_rows(connection) == []
