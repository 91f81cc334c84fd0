"""get.typo3.org majors and releases."""

from __future__ import annotations

from datetime import date

from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.typo3 import Typo3Importer
from sitewarden.catalog.records import BranchRecord, ReleaseRecord
from tests.catalog.importers.samples import parse, parse_fails, sample


def test_majors_sample_gives_branches_with_support_dates() -> None:
    branches = parse(Typo3Importer(), sample("typo3-major.json"), "major")
    assert all(isinstance(branch, BranchRecord) for branch in branches)
    by_name = {branch.branch: branch for branch in branches if isinstance(branch, BranchRecord)}
    assert set(by_name) == {"13", "12", "11", "6.2"}
    assert by_name["12"].security_until == date(2026, 4, 30)
    assert by_name["12"].support_until == date(2024, 10, 31)
    assert by_name["11"].elts_until == date(2027, 10, 31)
    assert by_name["13"].lts


def test_releases_sample_keeps_type_and_elts_flag() -> None:
    releases = {r.version: r for r in parse(Typo3Importer(), sample("typo3-release.json"), "release")}
    assert isinstance(releases["12.4.22"], ReleaseRecord)
    assert releases["12.4.22"].kind == "security"
    assert releases["12.4.21"].kind == "regular"
    assert releases["11.5.41"].elts
    assert releases["13.4.1"].released is not None and releases["13.4.1"].released.year == 2024


def test_truncated_release_list_is_refused() -> None:
    data = sample("typo3-release.json")
    assert parse_fails(Typo3Importer(), data[: len(data) // 2], "release")


def test_parts_are_majors_and_releases_of_the_configured_base() -> None:
    parts = Typo3Importer().parts(ImportContext(urls={"typo3": "http://127.0.0.1:9/"}))
    assert [(part.name, part.url) for part in parts] == [
        ("major", "http://127.0.0.1:9/api/v1/major/"),
        ("release", "http://127.0.0.1:9/api/v1/release/"),
    ]
