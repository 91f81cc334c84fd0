"""Fleet queries over stored sites, states and verdicts, on both backends."""

from __future__ import annotations

import pytest

from sitewarden.app.fleet import query_fleet
from sitewarden.fleet.query import QueryError
from sitewarden.store.database import Database
from tests.fixtures.verdicts import FLEET, seed_verdicts
from tests.fixtures.web import seed_fleet


@pytest.fixture
def database(database: Database) -> Database:
    """shop (typo3 12, insecure news), legacy (typo3 10, EOL), blog (wordpress), drupal-site, down-api (error)."""
    groups = {"shop": ["customer-a", "sla-gold"], "legacy": ["customer-a"], "blog": ["customer-b"]}
    seed_fleet(database, FLEET, groups, certificates={"shop": 12.5})
    seed_verdicts(database)
    return database


def names(database: Database, text: str) -> list[str]:
    with database.transaction() as connection:
        return sorted(query_fleet(connection, text).names)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("extension:news", ["legacy", "shop"]),
        ("extension:news version:<11.0.1", ["shop"]),
        ("extension:news -version:<11.0.1", ["legacy"]),
        ("extension:news -verdict:up_to_date", ["shop"]),
        ("product:ter:news verdict:insecure", ["shop"]),
        ("-extension:news", ["blog", "down-api", "drupal-site"]),
        ("cms:typo3", ["legacy", "shop"]),
        ("cms:typo3 branch:12", ["shop"]),
        ("cms:typo3 version:<12", ["legacy"]),
        ("cms:typo3 version:>=10.4.0 version:<12", ["legacy"]),
        ("verdict:insecure", ["shop"]),
        ("-verdict:insecure cms:typo3", ["legacy"]),
        ("php:<8.2", ["shop"]),
        ("php:<8.1", []),
        ("-php:<8.1", sorted(FLEET)),
        ("group:customer-a", ["legacy", "shop"]),
        ("group:customer-a -cms:typo3", []),
        ("tag:sla-gold check:cert status:ok", ["shop"]),
        ("check:tls", ["shop"]),
        ("-check:tls", ["blog", "down-api", "drupal-site", "legacy"]),
        ("status:error", ["down-api"]),
        ("-status:error group:customer*", ["blog", "legacy", "shop"]),
        ("plugin:akismet", ["blog"]),
        ("database:mysql", ["shop"]),
        ("down", ["down-api"]),
        ("name:d*", ["down-api", "drupal-site"]),
    ],
)
def test_queries_select_sites(database: Database, text: str, expected: list[str]) -> None:
    assert names(database, text) == expected


def test_matches_carry_the_first_named_item_with_version_verdict_and_groups(database: Database) -> None:
    with database.transaction() as connection:
        found = query_fleet(connection, "group:customer-a extension:news check:web status:ok")
    shown = {match.site: match.as_dict() for match in found.matches}
    assert shown["shop"] == {
        "site": "shop", "url": "http://127.0.0.1:9/shop", "groups": ["customer-a", "sla-gold"],
        "item": "extension news", "version": "11.0.0", "verdict": "insecure", "accepted": False,
        "accepted_until": None, "status": "ok",
    }  # fmt: skip
    assert shown["legacy"]["version"] == "11.0.1" and shown["legacy"]["verdict"] == "up_to_date"


def test_a_bad_query_is_refused_before_reading(database: Database) -> None:
    with database.transaction() as connection, pytest.raises(QueryError, match="column 11"):
        query_fleet(connection, "cms:typo3 bogus:1")
