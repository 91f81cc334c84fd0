from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitewarden.cli import app
from sitewarden.probes.heartbeat import HeartbeatParams, HeartbeatProbe
from sitewarden.results import Status, utcnow
from sitewarden.store.database import Database, open_database
from sitewarden.store.heartbeats import HeartbeatReader, HeartbeatSpec, record_ping, sync_heartbeats
from tests.probes.conftest import MakeContext, config_errors, load_check

T0 = datetime(2026, 1, 5, 3, 0, tzinfo=utcnow().tzinfo)
PARAMS = HeartbeatParams(kind="heartbeat", period=3600, grace=600)


@pytest.fixture
def store(sqlite_database: Database) -> Database:
    with sqlite_database.transaction() as connection:
        sync_heartbeats(connection, [HeartbeatSpec("backup", None, 3600, 600)], T0)
    return sqlite_database


def _ping(database: Database, kind: str, at: datetime, body: str = "") -> None:
    with database.transaction() as connection:
        uuid = sync_heartbeats(connection, [HeartbeatSpec("backup", None, 3600, 600)], at)["backup"]
        assert record_ping(connection, uuid, kind, at, body=body)


async def _run(database: Database, probe_context: MakeContext, now: datetime):  # type: ignore[no-untyped-def]
    ctx = probe_context(check_key="backup", services={"heartbeats": HeartbeatReader(database)}, clock=lambda: now)
    return await HeartbeatProbe().run(PARAMS, ctx)


def test_period_is_required_and_uuid_must_be_a_uuid() -> None:
    check = load_check("- {kind: heartbeat, period: 1h, grace: 10m}")
    assert (check.period, check.grace, check.uuid) == (3600, 600, None)
    assert "checks[0].period: required key 'period' is missing" in config_errors("- {kind: heartbeat}")
    assert "checks[0].uuid: input should be a valid UUID" in config_errors("- {kind: heartbeat, period: 1h, uuid: x}")


async def test_new_heartbeat_waits_for_its_first_ping(store: Database, probe_context: MakeContext) -> None:
    result = await _run(store, probe_context, T0 + timedelta(minutes=30))
    assert (result.status, result.summary) == (Status.OK, "waiting for the first ping (expected every 1h, grace 10m)")
    result = await _run(store, probe_context, T0 + timedelta(hours=2))
    assert result.status is Status.ERROR
    assert result.summary == "no ping received since 2h ago (expected every 1h, grace 10m)"


async def test_recent_ping_is_ok_and_late_ping_within_grace_too(store: Database, probe_context: MakeContext) -> None:
    _ping(store, "success", T0)
    result = await _run(store, probe_context, T0 + timedelta(minutes=5))
    assert (result.status, result.summary) == (Status.OK, "last ping 5m ago")
    result = await _run(store, probe_context, T0 + timedelta(minutes=65))
    assert (result.status, result.summary) == (Status.OK, "last ping 1h5m ago, late but within the grace time")


async def test_missed_heartbeat_is_error(store: Database, probe_context: MakeContext) -> None:
    _ping(store, "success", T0)
    result = await _run(store, probe_context, T0 + timedelta(minutes=71))
    assert (result.status, result.summary) == (Status.ERROR, "last ping 1h11m ago (expected every 1h, grace 10m)")
    assert result.metric("since_success_s") == 71 * 60


async def test_failure_ping_is_error_with_the_body(store: Database, probe_context: MakeContext) -> None:
    _ping(store, "start", T0)
    _ping(store, "fail", T0 + timedelta(minutes=2), body="pg_dump: connection refused\nmore")
    result = await _run(store, probe_context, T0 + timedelta(minutes=3))
    assert (result.status, result.summary) == (Status.ERROR, "job reported failure 1m ago: pg_dump: connection refused")
    assert result.metric("duration_s") == 120


async def test_run_durations_come_from_start_and_finish(store: Database, probe_context: MakeContext) -> None:
    _ping(store, "start", T0)
    _ping(store, "success", T0 + timedelta(seconds=95))
    _ping(store, "start", T0 + timedelta(hours=1))
    result = await _run(store, probe_context, T0 + timedelta(hours=1, minutes=2))
    assert result.status is Status.OK
    assert result.summary == "last ping 1h25s ago, running since 2m ago, last run took 1m35s"
    assert result.metric("duration_s") == 95


async def test_run_that_never_finishes_is_error(store: Database, probe_context: MakeContext) -> None:
    _ping(store, "success", T0)
    _ping(store, "start", T0 + timedelta(minutes=30))
    result = await _run(store, probe_context, T0 + timedelta(minutes=45))
    assert (result.status, result.summary) == (Status.ERROR, "run started 15m ago has not finished (grace 10m)")


async def test_without_the_heartbeat_service_it_is_unknown(probe_context: MakeContext) -> None:
    result = await HeartbeatProbe().run(PARAMS, probe_context(check_key="backup"))
    assert (result.status, result.summary) == (Status.UNKNOWN, "heartbeat pings cannot be read in this process")


def test_cli_lists_ping_paths_and_check_runs_the_heartbeat(tmp_path: Path) -> None:
    uuid = "0b7c8a9e-1f5e-4f0e-9a59-6a1f7d5c2b10"
    config = tmp_path / "sitewarden.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path / 'sw.db'}'}}\n"
        f"checks:\n  - {{name: nightly-backup, kind: heartbeat, period: 1d, grace: 1h, uuid: {uuid}}}\n"
    )
    runner = CliRunner()
    listed = runner.invoke(app, ["heartbeats", "-c", str(config)])
    assert listed.exit_code == 0, listed.output
    assert f"/ping/{uuid}" in listed.output and "never" in listed.output
    database = open_database(f"sqlite:///{tmp_path / 'sw.db'}")
    with database.transaction() as connection:
        record_ping(connection, uuid, "success", utcnow())
    database.close()
    checked = runner.invoke(app, ["check", "nightly-backup", "-c", str(config)])
    assert checked.exit_code == 0, checked.output
    assert "nightly-backup: ok - last ping just now" in checked.output
