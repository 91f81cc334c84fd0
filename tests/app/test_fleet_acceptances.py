"""Fleet queries and accepted findings: an accepted finding no longer counts as insecure, as in the overview."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sitewarden.app.findings import AcceptRequest, accept, revoke
from sitewarden.app.fleet import query_fleet
from sitewarden.app.views import overview_page
from sitewarden.results import utcnow
from sitewarden.store.database import Database
from sitewarden.store.overview import OverviewQuery
from tests.fixtures.verdicts import FLEET, seed_verdicts
from tests.fixtures.web import seed_fleet


@pytest.fixture
def database(database: Database) -> Database:
    """shop runs news 11.0.0 (insecure); legacy runs an EOL core."""
    seed_fleet(database, FLEET, {"shop": ["customer-a"], "legacy": ["customer-a"]})
    seed_verdicts(database)
    return database


def _names(database: Database, text: str) -> list[str]:
    with database.transaction() as connection:
        return sorted(query_fleet(connection, text).names)


def _overview(database: Database, verdict: str) -> list[str]:
    with database.transaction() as connection:
        return sorted(site.name for site in overview_page(connection, OverviewQuery(verdict=verdict)).sites)


def test_an_accepted_finding_is_not_insecure_in_queries_nor_in_the_overview(database: Database) -> None:
    assert _names(database, "verdict:insecure") == ["shop"] == _overview(database, "insecure")
    assert _names(database, "extension:news verdict:insecure") == ["shop"]
    now = utcnow()
    request = AcceptRequest("shop", "ter:news", "patched by hand, upgrade in May", now.date() + timedelta(days=30))
    with database.transaction() as connection:
        finding = accept(connection, request, "alice", now)
    assert _names(database, "verdict:insecure") == [] == _overview(database, "insecure")
    assert _names(database, "extension:news verdict:insecure") == []
    assert _names(database, "extension:news verdict:up_to_date") == ["legacy", "shop"]
    assert _names(database, "extension:news -verdict:up_to_date") == []
    with database.transaction() as connection:
        match = query_fleet(connection, "extension:news version:11.0.0").matches[0]
        kept = query_fleet(connection, "extension:news verdict:up_to_date").matches
    # Shown as judged, marked accepted (as on the site's inventory page), while the filter counts it as up to date.
    shown = (match.site, match.verdict, match.accepted, match.accepted_until)
    assert shown == ("shop", "insecure", True, request.until)
    assert match.as_dict()["accepted_until"] == request.until.isoformat()
    assert match.csv_row()[5:8] == ["insecure", "true", request.until.isoformat()]
    assert [(found.site, found.verdict, found.accepted) for found in kept] == [
        ("legacy", "up_to_date", False),
        ("shop", "insecure", True),
    ]
    assert _names(database, "verdict:outdated") == ["blog", "shop"] == _overview(database, "outdated")
    with database.transaction() as connection:
        revoke(connection, finding.id, "alice", utcnow())
        match = query_fleet(connection, "extension:news version:11.0.0").matches[0]
    assert _names(database, "verdict:insecure") == ["shop"]
    assert _names(database, "extension:news verdict:insecure") == ["shop"]
    assert (match.verdict, match.accepted, match.accepted_until) == ("insecure", False, None)


def test_a_match_without_an_item_carries_no_acceptance(database: Database) -> None:
    with database.transaction() as connection:
        match = query_fleet(connection, "group:customer-a name:shop").matches[0]
    assert (match.item, match.verdict, match.accepted) == (None, None, None)
    assert match.csv_row()[3:8] == ["", "", "", "", ""]
