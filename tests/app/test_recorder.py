"""The recorder stores snapshots with history, one update event per changed item, and verdicts (SQLite, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from sitewarden.app.catalog_writer import run_imports
from sitewarden.app.recorder import InventoryRecorder
from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.typo3 import Typo3Importer
from sitewarden.config.plan import CheckSpec
from sitewarden.demo.cms_sites import typo3_client_app
from sitewarden.events.model import EventType
from sitewarden.inventory.model import Component, InventorySnapshot
from sitewarden.inventory.typo3_client import Typo3ClientCollector, Typo3ClientParams
from sitewarden.probes.base import ProbeContext, SiteInfo
from sitewarden.results import Result, Status
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.database import Database
from sitewarden.store.events import recent_events
from sitewarden.store.inventory import latest_snapshots
from sitewarden.transport.http import HttpClient
from sitewarden.transport.options import HttpOptions
from tests.fixtures.servers import Serve
from tests.fixtures.store_reads import snapshot_history

CATALOG = Path(__file__).parent.parent / "data" / "catalog"
CLIENT_SECRET = "RecorderSecret0123456789abcdef"
SPEC = CheckSpec(
    key="t3/inventory",
    site="t3",
    name="inventory",
    kind="typo3_client",
    params=Typo3ClientParams(kind="typo3_client"),
    interval=60,
    retry_interval=20,
    timeout=10,
    failure_threshold=3,
    success_threshold=1,
)


def snapshot(core: str, news: str, *, evidence: str = "t3monitoring_client JSON") -> InventorySnapshot:
    return InventorySnapshot(
        cms="typo3",
        cms_version=core,
        cms_version_precision="exact",
        php_version="8.2.15",
        components=[
            Component(kind="extension", key="news", version=news, active=True),
            Component(kind="extension", key="seo", version="9.0.0", active=True),
        ],
        extra={"note": evidence},
        source="typo3_client",
    )


async def record(recorder: InventoryRecorder, snap: InventorySnapshot) -> None:
    result = Result(Status.OK, "ok", attachments={"inventory": snap})
    await recorder.on_result(SPEC, result, None, None)


async def test_unchanged_snapshot_produces_no_event_and_no_new_row(database: Database) -> None:
    recorder = InventoryRecorder(database)
    await record(recorder, snapshot("12.4.10", "11.3.0"))
    await record(recorder, snapshot("12.4.10", "11.3.0"))
    await record(recorder, snapshot("12.4.10", "11.3.0", evidence="refreshed detail"))
    with database.transaction() as connection:
        assert recent_events(connection) == []
        history = snapshot_history(connection, "t3", "inventory")
    assert len(history) == 1
    assert history[0].snapshot.extra == {"note": "refreshed detail"}


async def test_changed_snapshot_produces_one_event_per_changed_item(database: Database) -> None:
    recorder = InventoryRecorder(database)
    await record(recorder, snapshot("12.4.10", "11.3.0"))
    await record(recorder, snapshot("12.4.11", "11.4.0"))
    with database.transaction() as connection:
        events = recent_events(connection)
        history = snapshot_history(connection, "t3", "inventory")
        latest = latest_snapshots(connection)
    assert sorted(event.message for event in events) == [
        "t3: TYPO3 core TYPO3 12.4.10 → TYPO3 12.4.11",
        "t3: extension news 11.3.0 → 11.4.0",
    ]
    assert {event.type for event in events} == {EventType.UPDATE}
    assert {event.channel for event in events} == {"site.t3.inventory"}
    core = next(event for event in events if event.payload["kind"] == "core")
    assert (core.payload["old"], core.payload["new"], core.payload["change"]) == (
        "TYPO3 12.4.10",
        "TYPO3 12.4.11",
        "updated",
    )
    assert [stored.snapshot.cms_version for stored in history] == ["12.4.11", "12.4.10"]
    assert len(latest) == 1 and latest[0].snapshot.cms_version == "12.4.11"


async def test_results_without_a_snapshot_are_ignored(database: Database) -> None:
    recorder = InventoryRecorder(database)
    await recorder.on_result(SPEC, Result(Status.ERROR, "timed out"), None, None)
    with database.transaction() as connection:
        assert latest_snapshots(connection) == []


def core_catalogue(folder: Path) -> Path:
    """The get.typo3.org samples as `--from` expects them: 12.4.22 is a security release, so 12.4.10 is insecure."""
    (folder / "typo3").mkdir(parents=True)
    for name in ("major", "release"):
        (folder / "typo3" / f"{name}.json").write_bytes((CATALOG / f"typo3-{name}.json").read_bytes())
    return folder


async def collect(url: str) -> Result:
    """One real typo3_client run against a loopback t3monitoring_client."""
    info = SiteInfo(name="t3", url=url, http=HttpOptions(), secret=SecretStr(CLIENT_SECRET))
    return await Typo3ClientCollector().run(Typo3ClientParams(kind="typo3_client"), ProbeContext(HttpClient(), info))


async def test_new_snapshot_is_judged_with_one_security_event_per_insecure_item(
    database: Database, serve: Serve, tmp_path: Path
) -> None:
    await run_imports(database, [Typo3Importer()], ImportContext(local=core_catalogue(tmp_path / "catalog")))
    url = await serve(typo3_client_app(CLIENT_SECRET, core="12.4.10"))
    recorder = InventoryRecorder(database)
    result = await collect(url)
    assert result.status is Status.OK, result.summary
    await recorder.on_result(SPEC, result, None, None)
    with database.transaction() as connection:
        events = recent_events(connection)
        verdicts = {(row["item_kind"], row["item_key"]): row for row in assessment_rows(connection, "t3")}
    core = verdicts[("core", "typo3")]
    assert (core["verdict"], core["version"], core["fixed_version"]) == ("insecure", "12.4.10", "12.4.22")
    assert verdicts[("extension", "news")]["verdict"] == "unknown"  # no TER data imported
    assert [(event.type, event.channel, event.payload["verdict"]) for event in events] == [
        (EventType.SECURITY, "site.t3.assessment", "insecure")
    ]
    assert events[0].payload["fixed_version"] == "12.4.22"

    await recorder.on_result(SPEC, await collect(url), None, None)
    with database.transaction() as connection:
        assert len(recent_events(connection)) == 1
        assert len(snapshot_history(connection, "t3", "inventory")) == 1


async def test_site_update_turns_the_verdict_and_tells_it_once(
    database: Database, serve: Serve, tmp_path: Path
) -> None:
    await run_imports(database, [Typo3Importer()], ImportContext(local=core_catalogue(tmp_path / "catalog")))
    recorder = InventoryRecorder(database)
    await recorder.on_result(
        SPEC, await collect(await serve(typo3_client_app(CLIENT_SECRET, core="12.4.10"))), None, None
    )
    await recorder.on_result(
        SPEC, await collect(await serve(typo3_client_app(CLIENT_SECRET, core="12.4.22"))), None, None
    )
    with database.transaction() as connection:
        events = recent_events(connection)
        [core] = [row for row in assessment_rows(connection, "t3") if row["item_kind"] == "core"]
    assert core["verdict"] == "eol"  # 12.4.22 fixes the hole, but TYPO3 12 left maintenance on 2026-04-30
    verdict_events = [(e.type, e.payload["verdict"], e.payload["previous"]) for e in events if e.check == "assessment"]
    assert sorted(verdict_events) == [(EventType.SECURITY, "eol", "insecure"), (EventType.SECURITY, "insecure", None)]
    assert [e.payload["change"] for e in events if e.check == "inventory"] == ["updated"]


async def test_snapshot_without_site_is_stored_but_not_judged(database: Database) -> None:
    spec = CheckSpec(
        key="inventory",
        site=None,
        name="inventory",
        kind="typo3_client",
        params=Typo3ClientParams(kind="typo3_client"),
        interval=60,
        retry_interval=20,
        timeout=10,
        failure_threshold=3,
        success_threshold=1,
    )
    await InventoryRecorder(database).on_result(
        spec, Result(Status.OK, "ok", attachments={"inventory": snapshot("12.4.10", "11.3.0")}), None, None
    )
    with database.transaction() as connection:
        assert len(latest_snapshots(connection)) == 1
        assert assessment_rows(connection) == []
