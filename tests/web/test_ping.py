from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.applications import Starlette

from sitewarden.results import utcnow
from sitewarden.store.database import Database, open_database
from sitewarden.store.heartbeats import MAX_BODY, HeartbeatSpec, heartbeat_facts, sync_heartbeats
from sitewarden.transport.http import HttpClient, HttpRequest
from sitewarden.web.ping import ping_routes
from tests.fixtures.store_reads import recent_pings
from tests.fixtures.web import run_uvicorn


@dataclass
class PingServer:
    url: str
    database: Database
    uuid: str


@pytest.fixture
def ping_server(sqlite_url: str) -> Iterator[PingServer]:
    """The ping routes alone, served by uvicorn on a loopback port over a fresh SQLite store."""
    database = open_database(sqlite_url)
    with database.transaction() as connection:
        uuid = sync_heartbeats(connection, [HeartbeatSpec("backup", None, 3600, 600)], utcnow())["backup"]
    app = Starlette(routes=ping_routes())
    app.state.database = database
    server, thread, url = run_uvicorn(app)
    yield PingServer(url, database, uuid)
    server.should_exit = True
    thread.join(timeout=10)
    database.close()


async def _send(url: str, method: str = "GET", body: bytes | None = None) -> tuple[int, str]:
    response = await HttpClient().request(HttpRequest(url=url, method=method, body=body))
    return response.status, response.text()


async def test_get_ping_is_recorded_as_success(ping_server: PingServer) -> None:
    status, text = await _send(f"{ping_server.url}/ping/{ping_server.uuid}")
    assert (status, text) == (200, "OK\n")
    with ping_server.database.transaction() as connection:
        facts = heartbeat_facts(connection, "backup")
    assert facts is not None and facts.last_kind == "success" and facts.last_success_at is not None


async def test_start_and_fail_pings_with_bodies(ping_server: PingServer) -> None:
    base = f"{ping_server.url}/ping/{ping_server.uuid}"
    assert (await _send(base + "/start", "POST", b""))[0] == 200
    assert (await _send(base + "/fail", "POST", b"rsync: connection unexpectedly closed\n"))[0] == 200
    with ping_server.database.transaction() as connection:
        pings = recent_pings(connection, "backup")
    assert [(ping["kind"], ping["method"]) for ping in pings] == [("fail", "POST"), ("start", "POST")]
    assert pings[0]["body"] == "rsync: connection unexpectedly closed\n"
    assert pings[0]["duration_s"] is not None and pings[0]["remote"] == "127.0.0.1"


async def test_large_body_is_kept_up_to_ten_kib(ping_server: PingServer) -> None:
    status, _ = await _send(f"{ping_server.url}/ping/{ping_server.uuid}", "POST", b"y" * (MAX_BODY * 3))
    assert status == 200
    with ping_server.database.transaction() as connection:
        assert len(recent_pings(connection, "backup")[0]["body"]) == MAX_BODY


async def test_unknown_and_malformed_uuids_are_not_found(ping_server: PingServer) -> None:
    status, text = await _send(f"{ping_server.url}/ping/6f1c1f0e-58d9-4e39-9b51-0d8e6c0e2a11")
    assert (status, text) == (404, "not found: no heartbeat has this uuid\n")
    status, _ = await _send(f"{ping_server.url}/ping/not-a-uuid/start")
    assert status == 404
    with ping_server.database.transaction() as connection:
        assert recent_pings(connection, "backup") == []
