"""Inventory, verdict and delivery read models on both backends: overview filters, fleet extensions, failures."""

from __future__ import annotations

import pytest

from sitewarden.config.kinds import certificate_kinds
from sitewarden.results import utcnow
from sitewarden.store.database import Database
from sitewarden.store.delivery_log import delivery_states, failed_attempts, recent_deliveries
from sitewarden.store.overview import OverviewQuery, latest_certificates, overview
from sitewarden.store.verdicts import ExtensionQuery, fleet_extensions, insecure_rows, page_verdicts, verdict_rows
from tests.fixtures.verdicts import FLEET, seed_deliveries, seed_verdicts
from tests.fixtures.web import seed_fleet

CERTIFICATE_KINDS = certificate_kinds()


@pytest.fixture
def database(database: Database) -> Database:
    """The shared store, seeded with the verdict fleet."""
    seed_fleet(database, FLEET, certificates={"shop": 12.5})
    seed_verdicts(database)
    return database


def names(database: Database, **query: object) -> list[str]:
    with database.transaction() as connection:
        page = overview(connection, OverviewQuery(**query), utcnow(), certificate_kinds=CERTIFICATE_KINDS)  # type: ignore[arg-type]
    return [row.name for row in page.sites]


def test_overview_filters_by_cms_and_by_worst_verdict(database: Database) -> None:
    assert names(database, cms="typo3") == ["legacy", "shop"]
    assert names(database, cms="wordpress") == ["blog"]
    assert names(database, verdict="insecure") == ["shop"]
    assert names(database, verdict="eol") == ["legacy"]
    assert names(database, verdict="outdated") == ["blog"]
    assert names(database, cms="typo3", verdict="eol", status="ok") == ["legacy"]
    with database.transaction() as connection:
        page = overview(connection, OverviewQuery(cms="typo3"), utcnow(), certificate_kinds=CERTIFICATE_KINDS)
    assert page.total == 2 and page.counts["ok"] == 2 and page.counts["error"] == 0


def test_page_verdicts_give_cms_version_and_worst_verdict_and_fall_back_to_the_inventory(database: Database) -> None:
    with database.transaction() as connection:
        found = page_verdicts(connection, ["shop", "legacy", "drupal-site", "down-api"])
    assert found["shop"] == {"cms": "typo3", "version": "12.4.10", "core_verdict": "outdated", "verdict": "insecure",
                             "insecure": 1, "accepted": 0, "core_accepted": False,
                             "verdict_item": "extension news 11.0.0"}  # fmt: skip
    assert found["legacy"]["verdict"] == "eol" and found["legacy"]["core_verdict"] == "eol"
    assert found["drupal-site"] == {"cms": "drupal", "version": "10.2.0"}
    assert "down-api" not in found


def test_extensions_across_the_fleet_with_versions_sites_and_verdicts(database: Database) -> None:
    with database.transaction() as connection:
        everything = fleet_extensions(connection, ExtensionQuery())
        insecure = fleet_extensions(connection, ExtensionQuery(only="insecure"))
        outdated = fleet_extensions(connection, ExtensionQuery(only="outdated"))
        searched = fleet_extensions(connection, ExtensionQuery(search="POWER"))
        second = fleet_extensions(connection, ExtensionQuery(per_page=3, page=2))
    assert [item["key"] for item in everything.items] == ["news", "powermail", "akismet", "my_custom"]
    news = everything.items[0]
    assert news["site_count"] == 2 and news["worst"] == "insecure" and news["product"] == "ter:news"
    assert news["versions"] == {"11.0.0": 1, "11.0.1": 1}
    assert news["verdicts"] == {"insecure": 1, "up_to_date": 1}
    assert [use["site"] for use in news["sites"]] == ["legacy", "shop"]
    assert news["sites"][1]["fixed_version"] == "11.0.1"
    assert [item["key"] for item in insecure.items] == ["news"]
    assert [item["key"] for item in outdated.items] == ["news", "powermail"]
    assert [item["key"] for item in searched.items] == ["powermail"]
    assert second.total == 4 and second.pages == 2 and [item["key"] for item in second.items] == ["my_custom"]


def test_verdict_rows_are_filtered_paged_and_worst_first(database: Database) -> None:
    with database.transaction() as connection:
        rows, total = verdict_rows(connection, limit=2)
        shop, shop_total = verdict_rows(connection, site="shop", kind="extension")
        insecure = insecure_rows(connection)
    assert total == 10 and [(row["site"], row["verdict"]) for row in rows] == [("shop", "insecure"), ("legacy", "eol")]
    assert shop_total == 3 and [row["item_key"] for row in shop] == ["news", "powermail", "my_custom"]
    assert [(row["site"], row["advisories"][0]["id"]) for row in insecure] == [("shop", "TYPO3-EXT-SA-2024-001")]


def test_certificates_come_from_tls_checks_latest_result_only(database: Database) -> None:
    with database.transaction() as connection:
        found = latest_certificates(connection, CERTIFICATE_KINDS)
        ids = {
            row.name: row.id
            for row in overview(
                connection, OverviewQuery(sort="name"), utcnow(), certificate_kinds=CERTIFICATE_KINDS
            ).sites
        }
    assert [(site_id, days) for _, site_id, days in found] == [(ids["shop"], 12.5)]


def test_deliveries_states_and_failed_attempts_per_handler(database: Database) -> None:
    seed_deliveries(database)
    with database.transaction() as connection:
        recent = recent_deliveries(connection)
        failed = recent_deliveries(connection, failed_only=True)
        states = delivery_states(connection)
        failures = failed_attempts(connection)
    assert [(row["handler_kind"], row["state"]) for row in recent] == [("email", "sent"), ("webhook", "failed")]
    assert [row["last_error"] for row in failed] == ["status 503 from the hook"] and failed[0]["attempts"] == 2
    assert states == {"sent": 1, "failed": 1} and failures == {"webhook": 2}
