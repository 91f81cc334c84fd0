"""`sitewarden status` and `heartbeats` reads: heartbeats of store-defined sites get their ping URL."""

from __future__ import annotations

from sitewarden.app.status import heartbeat_lines
from sitewarden.engine.planning import Planner
from sitewarden.results import utcnow
from sitewarden.store.database import open_database
from sitewarden.store.heartbeats import heartbeat_facts
from sitewarden.store.sites import save_site_definition
from tests.events.fleet import config_from

JOBS = {
    "name": "jobs",
    "url": "http://127.0.0.1:9/",
    "checks": [{"name": "backup", "kind": "heartbeat", "period": "1h"}],
}


def test_a_heartbeat_added_through_the_api_is_listed_with_its_ping_path(sqlite_url: str) -> None:
    config = config_from("", sqlite_url)
    database = open_database(sqlite_url)
    with database.transaction() as connection:
        save_site_definition(connection, JOBS, "api", utcnow())
    database.close()
    [line] = heartbeat_lines(config)
    assert line["check"] == "jobs/backup" and line["ping"].startswith("/ping/")


def test_the_engine_plan_registers_heartbeats_of_store_defined_sites(sqlite_url: str) -> None:
    config = config_from("", sqlite_url)
    database = open_database(sqlite_url)
    with database.transaction() as connection:
        save_site_definition(connection, JOBS, "api", utcnow())
    Planner(config, database).sync(set(), utcnow())  # what start and the reload command run
    with database.transaction() as connection:
        facts = heartbeat_facts(connection, "jobs/backup")
    database.close()
    assert facts is not None and facts.ping_path == f"/ping/{facts.uuid}"
