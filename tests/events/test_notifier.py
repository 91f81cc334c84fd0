"""The notifier end to end on a real store: grouping, recoveries, restarts, maintenance, reminders, failures."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

from sitewarden.events.model import EventType, Severity
from sitewarden.events.notifier import Notifier
from sitewarden.store.database import Database, open_database
from sitewarden.store.events import recent_events
from tests.events.fleet import T0, Clock, config_from, plain_event, state_event, store_events
from tests.fixtures.receivers import HookReceiver
from tests.fixtures.servers import FakeSite
from tests.fixtures.store_reads import delivery_rows, notification_states


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def test_outage_of_200_sites_is_one_grouped_message_per_target(
    database_url: str, tmp_path: Path, hook_receiver: HookReceiver
) -> None:
    config = config_from(
        f"""
        targets:
          - name: ops
            processors: [{{kind: group, wait: 30s}}]
            handlers: [{{kind: webhook, url: "{hook_receiver.url}", backoff: 0s}}]
          - name: archive
            match: {{min_severity: warning, groups: [customers]}}
            processors: [{{kind: group, wait: 30s}}]
            handlers: [{{kind: file, path: "{tmp_path / "events.jsonl"}"}}]
        """,
        database_url,
        sites=200,
    )
    database = open_database(database_url)
    clock = Clock()
    notifier = Notifier(config, database, clock=clock)
    store_events(database, [state_event(f"site{index:03d}", "error") for index in range(200)])
    await notifier.step()
    assert hook_receiver.requests == []  # the group waits for more events
    clock.advance(31)
    await notifier.step()
    assert len(hook_receiver.requests) == 1
    body = json.loads(hook_receiver.requests[0]["body"])
    assert body["target"] == "ops" and body["counts"]["problems"] == 200 and len(body["events"]) == 200
    assert body["subject"] == "[sitewarden] 200 problems (ops)"
    assert len({item["message_id"] for item in lines(tmp_path / "events.jsonl")}) == 1

    store_events(database, [state_event(f"site{index:03d}", "ok", "error") for index in range(200)])
    await notifier.step()
    clock.advance(31)
    await notifier.step()
    assert len(hook_receiver.requests) == 2
    recovery = json.loads(hook_receiver.requests[1]["body"])
    assert recovery["counts"]["recoveries"] == 200 and recovery["counts"]["problems"] == 0
    assert recovery["subject"] == "[sitewarden] 200 recoveries (ops)"
    archived = lines(tmp_path / "events.jsonl")
    assert len(archived) == 400 and len({item["message_id"] for item in archived}) == 2
    database.close()


async def test_security_target_takes_exactly_security_events_from_warning_up(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "security.jsonl"
    config = config_from(
        f"""
        targets:
          - name: security-team
            match: {{types: [security], min_severity: warning}}
            handlers: [{{kind: file, path: "{out}"}}]
        """,
        sqlite_url,
        sites=1,
    )
    database = open_database(sqlite_url)
    wanted = [plain_event(EventType.SECURITY, Severity.WARNING), plain_event(EventType.SECURITY, Severity.CRITICAL)]
    unwanted = [
        plain_event(EventType.SECURITY, Severity.NOTICE),
        plain_event(EventType.UPDATE, Severity.ERROR),
        plain_event(EventType.SYSTEM, Severity.EMERGENCY),
        state_event("site000", "error"),
    ]
    ids = store_events(database, [unwanted[0], wanted[0], unwanted[1], wanted[1], unwanted[2], unwanted[3]])
    await Notifier(config, database, clock=Clock()).flush()
    received = lines(out)
    assert [item["id"] for item in received] == [ids[1], ids[3]]
    assert all(item["type"] == "security" for item in received)
    database.close()


async def test_restart_mid_outage_sends_no_duplicate(database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    config = config_from(
        f"""
        targets:
          - name: ops
            processors: [{{kind: group, wait: 1m}}]
            handlers: [{{kind: file, path: "{out}"}}]
        """,
        database_url,
        sites=3,
    )
    clock = Clock()
    database = open_database(database_url)
    store_events(database, [state_event("site000", "error"), state_event("site001", "error")])
    await Notifier(config, database, clock=clock).step()  # routed, the group still waits
    database.close()

    database = open_database(database_url)  # the daemon restarts mid-outage
    clock.advance(61)
    restarted = Notifier(config, database, clock=clock)
    await restarted.step()
    await restarted.step()
    assert len(lines(out)) == 2
    store_events(database, [state_event("site002", "error")])
    database.close()

    database = open_database(database_url)  # and once more, with one new problem
    again = Notifier(config, database, clock=clock)
    await again.flush()
    await again.flush()
    assert [item["site"] for item in lines(out)] == ["site000", "site001", "site002"]
    database.close()


async def test_engine_restart_during_outage_sends_one_alert(
    sqlite_url: str, tmp_path: Path, fake_site: FakeSite
) -> None:
    from sitewarden.app.daemon import run_once

    out = tmp_path / "alerts.jsonl"
    fake_site.set("/", status=503)
    config = config_from(
        f"""
        defaults: {{failure_threshold: 1}}
        sites:
          - name: shop
            url: "{fake_site.url}"
            checks: [{{name: web, kind: http}}]
        targets:
          - name: ops
            handlers: [{{kind: file, path: "{out}"}}]
        """,
        sqlite_url,
    )
    await asyncio.to_thread(run_once, config)
    await asyncio.to_thread(run_once, config)  # a new process: the state is loaded, nothing changed
    await asyncio.to_thread(run_once, config)
    received = lines(out)
    assert len(received) == 1 and received[0]["channel"] == "site.shop.web" and received[0]["severity"] == "error"


async def test_maintenance_window_suppresses_then_resumes(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    config = config_from(
        f"""
        targets:
          - name: ops
            handlers: [{{kind: file, path: "{out}"}}]
        maintenance:
          - {{sites: [site000], every: "mon 11:30", duration: 1h}}
        """,
        sqlite_url,
        sites=2,
    )
    clock = Clock()  # Monday 12:00, inside the window
    database = open_database(sqlite_url)
    notifier = Notifier(config, database, clock=clock)
    store_events(database, [state_event("site000", "error"), state_event("site001", "error")])
    await notifier.step()
    assert [item["site"] for item in lines(out)] == ["site001"]  # site000 is in maintenance
    with database.transaction() as connection:
        assert notification_states(connection) == {"grouped": 1, "suppressed": 1}
        assert len(recent_events(connection)) == 2  # the events are kept
    clock.advance(20 * 60)
    await notifier.step()
    assert len(lines(out)) == 1  # still inside
    clock.advance(15 * 60)  # 12:35, the window is over and site000 is still down
    await notifier.step()
    await notifier.step()
    received = lines(out)
    assert [(item["site"], item["notice"]) for item in received] == [("site001", "event"), ("site000", "resumed")]
    store_events(database, [state_event("site000", "ok", "error", at=clock.now)])
    await notifier.step()
    assert [(item["site"], item["recovery"]) for item in lines(out)][-1] == ("site000", True)
    database.close()


async def test_problem_that_recovers_inside_the_window_is_never_sent(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    config = config_from(
        f"""
        targets: [{{name: ops, handlers: [{{kind: file, path: "{out}"}}]}}]
        silences: [{{groups: [customers], until: "2030-01-07T13:00:00Z", comment: migration}}]
        """,
        sqlite_url,
        sites=1,
    )
    clock = Clock()
    database = open_database(sqlite_url)
    notifier = Notifier(config, database, clock=clock)
    store_events(database, [state_event("site000", "error")])
    await notifier.step()
    store_events(database, [state_event("site000", "ok", "error", at=clock.now)])
    clock.advance(2 * 3600)
    await notifier.step()
    assert lines(out) == []
    database.close()


async def test_reminders_repeat_while_a_problem_lasts(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    config = config_from(
        f"""
        targets: [{{name: ops, remind_every: 10m, handlers: [{{kind: file, path: "{out}"}}]}}]
        """,
        sqlite_url,
        sites=1,
    )
    clock = Clock()
    database = open_database(sqlite_url)
    notifier = Notifier(config, database, clock=clock)
    store_events(database, [state_event("site000", "error")])
    await notifier.step()
    for _ in range(3):
        clock.advance(5 * 60)
        await notifier.step()
    assert [item["notice"] for item in lines(out)] == ["event", "reminder"]
    store_events(database, [state_event("site000", "ok", "error", at=clock.now)])
    await notifier.step()
    clock.advance(3600)
    await notifier.step()
    assert [item["notice"] for item in lines(out)] == ["event", "reminder", "event"]
    assert lines(out)[-1]["recovery"] is True
    database.close()


async def test_recovery_reaches_a_target_that_only_takes_errors(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    config = config_from(
        f"""
        targets:
          - name: oncall
            match: {{min_severity: error}}
            handlers: [{{kind: file, path: "{out}", min_severity: error}}]
        """,
        sqlite_url,
        sites=2,
    )
    database = open_database(sqlite_url)
    store_events(
        database,
        [
            state_event("site000", "error"),
            state_event("site001", "ok", "warning"),  # a warning this target never heard of
            state_event("site000", "ok", "error"),
        ],
    )
    await Notifier(config, database, clock=Clock()).flush()
    assert [(item["site"], item["recovery"]) for item in lines(out)] == [("site000", False), ("site000", True)]
    database.close()


async def test_failing_handler_is_retried_then_reported_as_system_event(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "system.jsonl"
    config = config_from(
        f"""
        targets:
          - name: pager
            match: {{types: [availability]}}
            handlers: [{{kind: command, command: "sh -c 'echo no route >&2; exit 3'", retries: 2, backoff: 10s}}]
          - name: admins
            match: {{types: [system]}}
            handlers: [{{kind: file, path: "{out}"}}]
        """,
        sqlite_url,
        sites=1,
    )
    clock = Clock()
    database = open_database(sqlite_url)
    store_events(database, [state_event("site000", "error")])
    notifier = Notifier(config, database, clock=clock, sleep=clock.sleep)
    await notifier.flush()
    with database.transaction() as connection:
        pager = delivery_rows(connection, "pager")
        system = recent_events(connection, types=["system"])
    assert pager[0]["state"] == "failed" and pager[0]["attempts"] == 3
    assert pager[0]["last_error"] == "sh exited with status 3: no route"
    assert clock.now - T0 >= timedelta(seconds=30)  # waited 10 s, then 20 s of backoff
    assert len(system) == 1 and "pager" in system[0].message and system[0].payload["failed_target"] == "pager"
    await notifier.flush()
    assert [item["type"] for item in lines(out)] == ["system"]
    database.close()


async def test_two_workers_never_send_the_same_message(database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    config = config_from(
        f"""
        targets: [{{name: ops, handlers: [{{kind: file, path: "{out}"}}]}}]
        """,
        database_url,
        sites=40,
    )
    clock = Clock()
    first, second = open_database(database_url), Database(database_url)
    store_events(first, [state_event(f"site{index:03d}", "error") for index in range(40)])
    workers = [Notifier(config, db, clock=clock, worker=name) for db, name in ((first, "a"), (second, "b"))]
    for _ in range(3):
        await asyncio.gather(*(worker.step() for worker in workers))
    assert sorted(item["site"] for item in lines(out)) == [f"site{index:03d}" for index in range(40)]
    first.close()
    second.close()
