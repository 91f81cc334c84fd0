"""Verdicts on recorded real data (tests/data/catalog/real): rows computed by hand from the advisory texts.

Each row sits just inside or just outside a fix boundary, or checks branches and support: TYPO3 system extension
packages, an extension key linked to its Composer name, Drupal 7 against drupal/core ranges, ELTS and eol
branches, and branch latest versus product latest. The catalogue is imported the way a user does it
(`--from` the folder) into a real database, and judged by the path monitored sites take.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from sitewarden.app.assessments import judge_items
from sitewarden.app.catalog_writer import run_imports
from sitewarden.app.verdict import item_for
from sitewarden.catalog.assess import Assessment, Item, Policy
from sitewarden.catalog.importers import IMPORTERS
from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.verdicts import Judging
from sitewarden.store.database import Database, open_database

REAL = Path(__file__).parent.parent / "data" / "catalog" / "real"
DAY = date(2026, 8, 20)
SA019, SA020 = "TYPO3-CORE-SA-2026-019", "TYPO3-CORE-SA-2026-020"
NEWS = "TYPO3-EXT-SA-2026-010"
KE_SEARCH = "TYPO3-EXT-SA-2026-011"
D005, D010 = "DRUPAL-CORE-2026-005", "DRUPAL-CORE-2026-010"

# (product, version) → (verdict, support, fixing version, fix is an upgrade, advisory ids, upgrade)
ROWS = [
    # TYPO3 14: SA-2026-019 (cms-core) <14.3.3; SA-2026-020 (cms-form, a system package) >=14.2.0 <14.3.5
    ("typo3", "14.3.0", "insecure", "supported", "14.3.5", False, [SA019, SA020], "none"),
    ("typo3", "14.3.2", "insecure", "supported", "14.3.5", False, [SA019, SA020], "none"),
    ("typo3", "14.3.3", "insecure", "supported", "14.3.5", False, [SA020], "none"),
    ("typo3", "14.3.4", "insecure", "supported", "14.3.5", False, [SA020], "none"),
    ("typo3", "14.3.5", "outdated", "supported", None, False, [], "none"),
    ("typo3", "14.3.6", "up_to_date", "supported", None, False, [], "none"),
    ("typo3", "14.1.1", "insecure", "supported", "14.3.5", False, [SA019], "none"),
    # TYPO3 13 (supported until 2027-12-31): branch latest 13.4.34 while 14.3.6 is the product's latest
    ("typo3", "13.4.30", "insecure", "supported", "13.4.31", False, [SA019], "major"),
    ("typo3", "13.4.31", "outdated", "supported", None, False, [], "major"),
    ("typo3", "13.4.34", "up_to_date", "supported", None, False, [], "major"),
    # TYPO3 12 and 11: community support ended, ELTS until 2029-04-30 / 2027-10-31
    ("typo3", "12.4.45", "insecure", "elts", "12.4.46", False, [SA019], "major"),
    ("typo3", "12.4.46", "eol", "elts", None, False, [], "major"),
    ("typo3", "11.5.50", "insecure", "elts", "11.5.51", False, [SA019], "major"),
    ("typo3", "11.5.53", "eol", "elts", None, False, [], "major"),
    # TYPO3 10 (ELTS ended 2026-04-30) and 9: `<10.4.57` has no lower bound, so it covers 9.5 as well
    ("typo3", "10.4.56", "insecure", "eol", "10.4.57", False, [SA019], "major"),
    ("typo3", "10.4.57", "eol", "eol", None, False, [], "major"),
    ("typo3", "9.5.40", "insecure", "eol", "13.4.31", True, [SA019], "major"),
    # TYPO3-CORE-SA-2018-006 is filed for typo3/cms (with 7.x) and typo3/cms-core (8.x and 9.x only): both count
    ("typo3", "7.6.31", "insecure", "eol", "13.4.31", True, ["TYPO3-CORE-SA-2018-006", SA019], "major"),
    ("typo3", "8.7.20", "insecure", "eol", "13.4.31", True, ["TYPO3-CORE-SA-2018-006", SA019], "major"),
    ("typo3/cms-core", "14.3.3", "insecure", "supported", "14.3.5", False, [SA020], "none"),
    ("composer:typo3/cms-form", "14.3.4", "insecure", "supported", "14.3.5", False, [SA020], "none"),
    ("typo3", "v14.3.3", "insecure", "supported", "14.3.5", False, [SA020], "none"),
    # news: FriendsOfPHP files it for georgringer/news; a site reports the key `news`
    ("composer:georgringer/news", "12.3.1", "insecure", None, "12.3.2", False, [NEWS], "major"),
    ("composer:georgringer/news", "12.3.2", "up_to_date", None, None, False, [], "major"),
    ("ter:news", "12.3.1", "insecure", None, "12.3.2", False, [NEWS], "major"),
    ("ter:news", "12.3.2", "up_to_date", None, None, False, [], "major"),
    ("ter:news", "11.4.3", "insecure", None, "11.4.4", False, [NEWS], "major"),
    ("ter:news", "9.4.0", "insecure", None, "10.0.4", True, [NEWS], "major"),
    # ke_search: TYPO3-EXT-SA-2026-011 is three FriendsOfPHP files (one per CVE) with different ranges; only
    # CVE-2026-46723 (`<5.6.2` on its 5.x line) covers 4.6.7, and no 4.x release fixes it
    ("ter:ke_search", "4.6.7", "insecure", None, "5.6.2", True, [KE_SEARCH], "major"),
    ("ter:ke_search", "5.6.1", "insecure", None, "5.6.2", False, [KE_SEARCH], "major"),
    ("ter:ke_search", "6.6.1", "up_to_date", None, None, False, [], "major"),
    # brotkrueml/typo3-matomo-integration is extension `matomo_integration`; its advisory names no key, only the link
    ("ter:matomo_integration", "1.3.1", "insecure", None, "1.3.2", False, ["TYPO3-EXT-SA-2022-011"], "none"),
    # Drupal 7 (eol 2025-01-05): only `affected_versions` 7.x ranges count, never drupal/core's `introduced: 0`
    ("drupal", "7.95", "insecure", "eol", "7.102", False, ["DRUPAL-CORE-2023-005", "DRUPAL-CORE-2024-008"], "major"),
    ("drupal", "7.96", "insecure", "eol", "7.102", False, ["DRUPAL-CORE-2024-008"], "major"),
    ("drupal", "7.101", "insecure", "eol", "7.102", False, ["DRUPAL-CORE-2024-008"], "major"),
    ("drupal", "7.102", "eol", "eol", None, False, [], "major"),
    ("drupal", "7.103", "eol", "eol", None, False, [], "major"),
    # Drupal 10/11: branches are major.minor; 10.5 ended 2026-06-17, 10.6 and 11.3 run until 2026-12-16
    # DRUPAL-CORE-2026-010 `<10.6.13` (`introduced: 0`) covers every 10.x before 10.6.13, the eol 10.5 line too,
    # and all of 11.0-11.2 (`11.2.*`): 10.5.12 has no fixed 10.5 release, so the fix is 10.6.13, an upgrade
    ("drupal", "10.6.10", "insecure", "supported", "10.6.13", False, [D005, D010], "major"),
    ("drupal", "10.6.11", "insecure", "supported", "10.6.13", False, [D010], "major"),
    ("drupal", "10.6.13", "outdated", "supported", None, False, [], "major"),
    ("drupal", "10.6.15", "up_to_date", "supported", None, False, [], "major"),
    ("drupal", "10.5.11", "insecure", "eol", "10.6.13", True, [D005, D010], "major"),
    ("drupal", "10.5.12", "insecure", "eol", "10.6.13", True, [D010], "major"),
    ("drupal", "11.1.5", "insecure", "eol", "11.3.14", True, [D005, D010], "minor"),
    ("drupal", "11.3.11", "insecure", "supported", "11.3.14", False, [D005, D010], "minor"),
    ("drupal", "11.3.14", "outdated", "supported", None, False, [], "minor"),
    ("drupal", "11.4.3", "insecure", "supported", "11.4.4", False, [D010], "none"),
    ("drupal", "11.4.5", "up_to_date", "supported", None, False, [], "none"),
    # WordPress: 6.1 ended when 6.2 came out; 6.1.12 is the newest of its branch
    ("wordpress", "6.1.9", "eol", "eol", None, False, [], "major"),
    ("wordpress", "7.1", "up_to_date", "supported", None, False, [], "none"),
]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The recorded folder imported as `sitewarden import all --from` does."""
    database = open_database(f"sqlite:///{tmp_path_factory.mktemp('real') / 'catalog.db'}")
    importers = [cls() for name, cls in IMPORTERS.items() if name in ("packagist", "osv", "eol", "wordpress")]
    summary = asyncio.run(run_imports(database, importers, ImportContext(local=REAL)))
    assert not summary.failed, [outcome.error for outcome in summary.failed]
    yield database
    database.close()


def judge(database: Database, product: str, version: str, policy: Policy | None = None) -> Assessment:
    with database.transaction() as connection:
        return judge_items(connection, [item_for(product, version)], Judging(policy or Policy()), DAY)[0]


@pytest.mark.parametrize(("product", "version", "verdict", "support", "fixed", "jump", "ids", "upgrade"), ROWS)
def test_recorded_data_gives_the_hand_computed_verdict(
    catalog: Database,
    product: str,
    version: str,
    verdict: str,
    support: str | None,
    fixed: str | None,
    jump: bool,
    ids: list[str],
    upgrade: str,
) -> None:
    judged = judge(catalog, product, version)
    found = (judged.verdict, judged.support, judged.fixed_version, judged.fix_upgrade, judged.upgrade)
    assert found == (verdict, support, fixed, jump, upgrade), judged.summary
    assert sorted(advisory["id"] for advisory in judged.advisories) == ids


def test_advisories_carry_their_cve_aliases(catalog: Database) -> None:
    judged = judge(catalog, "typo3", "14.3.3")
    assert judged.advisories[0]["aliases"] == ["CVE-2026-15305"]


def test_one_vendor_advisory_filed_as_several_cves_is_listed_once_with_all(catalog: Database) -> None:
    judged = judge(catalog, "ter:ke_search", "5.6.1")
    assert [(a["id"], a["aliases"]) for a in judged.advisories] == [
        (KE_SEARCH, ["CVE-2026-46722", "CVE-2026-46723", "CVE-2026-46724"])
    ]


def test_elts_counts_as_supported_when_the_config_says_so(catalog: Database) -> None:
    judged = judge(catalog, "typo3", "12.4.48", Policy(elts_supported=True))
    assert (judged.verdict, judged.support) == ("up_to_date", "elts")


def test_branch_and_product_latest_are_both_reported(catalog: Database) -> None:
    judged = judge(catalog, "typo3", "13.4.31")
    assert (judged.branch, judged.branch_latest, judged.latest) == ("13", "13.4.34", "14.3.6")


def test_fingerprint_verdict_says_backports_cannot_show(catalog: Database) -> None:
    item = Item("core", "wordpress", "wordpress", "6.1.9", source="fingerprint")
    with catalog.transaction() as connection:
        judged = judge_items(connection, [item], Judging(), DAY)[0]
    assert judged.caveat is not None and "backport" in judged.caveat
    assert "backport" in judged.summary


def test_config_mapping_links_an_extension_key(catalog: Database) -> None:
    with catalog.transaction() as connection:
        judged = judge_items(
            connection,
            [Item("extension", "my_news", "ter:my_news", "12.3.1")],
            Judging(extension_keys={"my_news": "georgringer/news"}),
            DAY,
        )[0]
    assert judged.verdict == "insecure" and judged.fixed_version == "12.3.2"


def test_unlinked_extension_key_stays_unknown(catalog: Database) -> None:
    assert judge(catalog, "ter:in_house", "1.0.0").verdict == "unknown"


def test_monitored_site_takes_the_same_path(catalog: Database) -> None:
    from sitewarden.app.assessments import assess_site
    from sitewarden.inventory.model import Component, InventorySnapshot
    from sitewarden.store.assessments import assessment_rows

    snapshot = InventorySnapshot(
        cms="typo3",
        cms_version="14.3.3",
        components=[Component(kind="extension", key="news", version="12.3.1")],
    )
    with catalog.transaction() as connection:
        assess_site(connection, "shop", snapshot, DAY)
        rows = {row["item_key"]: row for row in assessment_rows(connection, "shop")}
    core, news = rows["typo3"], rows["news"]
    assert (core["verdict"], core["branch"], core["support"], core["fixed_version"]) == (
        "insecure",
        "14",
        "supported",
        "14.3.5",
    )
    assert (news["verdict"], news["fixed_version"], news["upgrade"]) == ("insecure", "12.3.2", "major")
    assert [advisory["id"] for advisory in news["advisories"]] == [NEWS]


def test_judged_as_of_an_earlier_day_only_what_was_published_by_then_counts(catalog: Database) -> None:
    """Frozen data judged on another day: 13.4.34 came out on 2026-08-11, SA-2026-020 on 2026-07-14."""
    with database_day(catalog, "typo3", "13.4.33", date(2026, 8, 10)) as judged:
        assert (judged.verdict, judged.branch_latest, judged.as_of) == ("up_to_date", "13.4.33", date(2026, 8, 10))
    with database_day(catalog, "typo3", "14.3.3", date(2026, 6, 20)) as judged:
        assert (judged.verdict, judged.branch_latest, judged.advisories) == ("outdated", "14.3.4", [])
    assert judge(catalog, "typo3", "13.4.33").verdict == "outdated"


@contextmanager
def database_day(database: Database, product: str, version: str, day: date) -> Iterator[Assessment]:
    with database.transaction() as connection:
        yield judge_items(connection, [item_for(product, version)], Judging(), day)[0]
