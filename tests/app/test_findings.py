"""Accepted findings on a real store, SQLite and PostgreSQL: what they cover, hide, audit, and how they end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from sitewarden.app.assessments import assess_site
from sitewarden.app.catalog_writer import run_imports
from sitewarden.app.findings import AcceptRequest, accept, expire_due, listed, revoke
from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.ter import TerImporter
from sitewarden.catalog.importers.typo3 import Typo3Importer
from sitewarden.catalog.summary import site_verdicts
from sitewarden.catalog.verdicts import open_advisories
from sitewarden.errors import NotFound, UsageError
from sitewarden.events.model import Event
from sitewarden.inventory.model import Component, InventorySnapshot
from sitewarden.results import utcnow
from sitewarden.store.assessments import assessment_rows, save_assessments
from sitewarden.store.database import Database, open_database
from sitewarden.store.events import recent_events
from sitewarden.store.overview import OverviewQuery, overview
from sitewarden.store.tables import accepted_findings
from sitewarden.store.verdicts import page_verdicts
from tests.catalog.importers.samples import SAMPLES
from tests.fixtures.verdicts import FLEET, NEWS_ADVISORY, _judged, seed_verdicts
from tests.fixtures.web import seed_fleet


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    opened = open_database(database_url)
    seed_fleet(opened, FLEET)
    seed_verdicts(opened)
    yield opened
    opened.close()


def _accept(database: Database, product: str, until: date | None = None, **extra: str) -> int:
    now = utcnow()
    wanted = AcceptRequest("shop", product, "fixed by a patch of our own", until or now.date() + timedelta(days=30))
    wanted = AcceptRequest(**{**_fields(wanted), **extra})
    with database.transaction() as connection:
        return accept(connection, wanted, "alice", now).id


def _fields(request: AcceptRequest) -> dict[str, object]:
    return {name: getattr(request, name) for name in AcceptRequest.__dataclass_fields__}


def _worst(database: Database) -> str:
    with database.transaction() as connection:
        return site_verdicts(assessment_rows(connection, "shop"))["shop"].verdict


def _overview_names(database: Database, verdict: str) -> list[str]:
    with database.transaction() as connection:
        return [
            row.name
            for row in overview(connection, OverviewQuery(verdict=verdict), utcnow(), certificate_kinds=()).sites
        ]


def _audit(database: Database) -> list[Event]:
    with database.transaction() as connection:
        return [event for event in recent_events(connection, limit=50, site="shop") if event.check == "assessment"]


def test_an_accepted_insecure_item_no_longer_counts_toward_the_worst_verdict(database: Database) -> None:
    assert _worst(database) == "insecure" and _overview_names(database, "insecure") == ["shop"]
    finding_id = _accept(database, "news")
    assert _worst(database) == "outdated"
    assert _overview_names(database, "insecure") == [] and _overview_names(database, "outdated") == ["blog", "shop"]
    with database.transaction() as connection:
        rows = assessment_rows(connection, "shop")
        page = page_verdicts(connection, ["shop"])["shop"]
        stored = connection.execute(select(accepted_findings)).one()
    assert page["verdict"] == "outdated" and page["insecure"] == 0 and page["accepted"] == 1
    assert open_advisories(rows) == []
    assert (stored.product, stored.verdict, stored.accepted_by, stored.id) == (
        "ter:news",
        "insecure",
        "alice",
        finding_id,
    )
    (event,) = _audit(database)
    assert event.type.value == "audit" and event.payload["action"] == "accept"
    assert "alice accepted verdict insecure of ter:news until" in event.message
    assert event.payload["reason"] == "fixed by a patch of our own"


def test_an_advisory_acceptance_covers_an_item_only_when_each_of_its_advisories_is_accepted(database: Database) -> None:
    other = {**NEWS_ADVISORY, "id": "TYPO3-EXT-SA-2024-002"}
    with database.transaction() as connection:
        save_assessments(connection, "shop", [
            _judged("core", "typo3", "typo3", "12.4.10", "outdated", latest="12.4.20"),
            _judged("extension", "news", "ter:news", "11.0.0", "insecure", advisories=[NEWS_ADVISORY, other]),
        ])  # fmt: skip
    _accept(database, "ter:news", advisory="TYPO3-EXT-SA-2024-001")
    assert _worst(database) == "insecure"
    _accept(database, "ter:news", advisory="TYPO3-EXT-SA-2024-002")
    assert _worst(database) == "outdated"


def test_revoking_brings_the_finding_back_at_once_and_is_audited(database: Database) -> None:
    finding_id = _accept(database, "news")
    with database.transaction() as connection:
        revoked = revoke(connection, finding_id, "bob", utcnow())
    assert revoked.revoked_by == "bob" and _worst(database) == "insecure"
    assert [event.payload["action"] for event in _audit(database)] == ["revoke", "accept"]
    with database.transaction() as connection, pytest.raises(UsageError, match="revoked already"):
        revoke(connection, finding_id, "bob", utcnow())
    with database.transaction() as connection, pytest.raises(NotFound):
        revoke(connection, finding_id + 100, "bob", utcnow())
    with database.transaction() as connection:
        today = utcnow().date()
        assert listed(connection, "shop", everything=False, today=today) == []
        assert [f.state(today) for f in listed(connection, "shop", everything=True, today=today)] == ["revoked"]


def test_an_ended_acceptance_comes_back_by_itself_with_one_security_event(database: Database) -> None:
    today = utcnow().date()
    finding_id = _accept(database, "news", until=today)
    assert _worst(database) == "outdated"
    tomorrow = utcnow() + timedelta(days=1)
    with database.transaction() as connection:
        rows = assessment_rows(connection, "shop")
        overview_tomorrow = site_verdicts(rows)  # judged on today's date: still accepted
        events = expire_due(connection, tomorrow)
        again = expire_due(connection, tomorrow + timedelta(hours=1))
        after = site_verdicts(assessment_rows(connection, "shop"))["shop"].verdict
        ended = listed(connection, "shop", everything=True, today=tomorrow.date())
    assert overview_tomorrow["shop"].verdict == "outdated"
    assert after == "insecure" and again == []
    (event,) = events
    assert event.type.value == "security" and event.severity.label == "error"
    assert event.payload["action"] == "expire" and event.payload["finding_id"] == finding_id
    assert event.payload["advisories"] == ["TYPO3-EXT-SA-2024-001"]
    assert "the acceptance of verdict insecure of ter:news by alice ended" in event.message
    assert [finding.state(tomorrow.date()) for finding in ended] == ["expired"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": "   "}, "needs a reason"),
        ({"until": date(2000, 1, 1)}, "in the past"),
        ({"until": date.today() + timedelta(days=800)}, "at most two years"),
        ({"verdict": "up_to_date"}, "not a verdict to accept"),
        ({"verdict": "insecure", "advisory": "X-1"}, "not both"),
        ({"product": "php"}, "nothing to accept"),
    ],
)
def test_a_request_that_cannot_be_accepted_says_why(
    database: Database, change: dict[str, object], message: str
) -> None:
    base = AcceptRequest("shop", "news", "reason", date.today() + timedelta(days=10))
    with database.transaction() as connection, pytest.raises(UsageError, match=message):
        accept(connection, AcceptRequest(**{**_fields(base), **change}), "alice", utcnow())


def test_an_unknown_site_or_item_is_not_found(database: Database) -> None:
    until = date.today() + timedelta(days=10)
    with database.transaction() as connection, pytest.raises(NotFound, match="no judged inventory"):
        accept(connection, AcceptRequest("nowhere", "news", "reason", until), "alice", utcnow())
    with database.transaction() as connection, pytest.raises(NotFound, match="shop has no judged item 'solr'"):
        accept(connection, AcceptRequest("shop", "solr", "reason", until), "alice", utcnow())


async def test_a_verdict_change_covered_by_an_acceptance_raises_no_event(database_url: str, tmp_path: Path) -> None:
    """Judged again with a worse verdict: accepted beforehand it stays quiet; a different verdict comes back."""
    (tmp_path / "typo3").mkdir()
    for name in ("major", "release"):
        (tmp_path / "typo3" / f"{name}.json").write_bytes((SAMPLES / f"typo3-{name}.json").read_bytes())
    (tmp_path / "ter.xml").write_bytes((SAMPLES / "ter-extensions.xml").read_bytes())
    day = date(2026, 11, 26)

    def snapshot(news: str) -> InventorySnapshot:
        components = [Component(kind="extension", key="news", version=news)]
        return InventorySnapshot(cms="typo3", cms_version="13.4.1", components=components)

    database = open_database(database_url)
    try:
        await run_imports(database, [Typo3Importer(), TerImporter()], ImportContext(local=tmp_path))
        with database.transaction() as connection:
            assess_site(connection, "shop", snapshot("11.4.1"), day)
            wanted = AcceptRequest("shop", "news", "update planned", day + timedelta(days=7), verdict="insecure")
            accept(connection, wanted, "alice", utcnow().replace(year=2026, month=11, day=26))
        with database.transaction() as connection:
            _, quiet = assess_site(connection, "shop", snapshot("11.3.0"), day)
            rows = assessment_rows(connection, "shop")
        with database.transaction() as connection:
            _, loud = assess_site(connection, "shop", snapshot("11.4.1"), day)
    finally:
        database.close()
    assert quiet == [] and [row["verdict"] for row in rows if row["item_key"] == "news"] == ["insecure"]
    assert [(event.payload["verdict"], event.payload["previous"]) for event in loud] == [("up_to_date", "insecure")]


def test_reports_show_an_accepted_finding_with_who_why_and_until_but_do_not_count_it(
    database: Database, tmp_path: Path
) -> None:
    from sitewarden.app.reports import collect
    from sitewarden.config.loader import load_config
    from sitewarden.events.reports import render_admin, render_client

    _accept(database, "news")
    path = tmp_path / "sitewarden.yaml"
    path.write_text("sites:\n  - {name: shop, url: 'http://127.0.0.1:9/shop', contacts: [ops@example.org]}\n")
    config = load_config(path)
    (report,) = collect(config, database, ["shop"])
    accepted = [finding for finding in report.findings if finding.kind == "accepted"]
    assert report.verdict == "outdated" and report.security is None
    (finding,) = accepted
    assert finding.title.startswith("extension news 11.0.0 is insecure: accepted by alice until ")
    assert finding.detail == "fixed by a patch of our own"
    assert finding.advisories == ["TYPO3-EXT-SA-2024-001 (CVE-2024-0001)"]
    text = render_client(config, report, utcnow()).text
    assert "accepted by alice until" in text and "fixed by a patch of our own" in text
    admin = render_admin(config, [report], utcnow()).text
    assert "Software of 1 site: insecure 0 (" in admin and "ok: extension news 11.0.0 is insecure: accepted" in admin


def test_the_expiry_pass_of_the_daemon_tells_each_ended_acceptance_once(database: Database) -> None:
    from sitewarden.app.findings import apply_acceptances, expire_once
    from sitewarden.store.acceptances import add_acceptance

    now = utcnow()
    with database.transaction() as connection:
        add_acceptance(
            connection, site="shop", product="ter:news", advisory=None, verdict="insecure", reason="old decision",
            until=now.date() - timedelta(days=1), accepted_by="alice", now=now - timedelta(days=10),
        )  # fmt: skip
        assert apply_acceptances(connection, "shop", now.date()) == {}
    assert expire_once(database) == 1 and expire_once(database) == 0
    (event,) = [event for event in _audit(database) if event.payload.get("action") == "expire"]
    assert event.type.value == "security" and event.payload["verdict"] == "insecure"


def test_an_ended_acceptance_renewed_in_time_stays_quiet(database: Database) -> None:
    today = utcnow().date()
    _accept(database, "news", until=today)
    _accept(database, "news", until=today + timedelta(days=60))
    with database.transaction() as connection:
        (event,) = expire_due(connection, utcnow() + timedelta(days=1))
    assert event.type.value == "audit" and "another acceptance holds until" in event.message
    assert _worst(database) == "outdated"
