"""endoflife.date cycles."""

from __future__ import annotations

from datetime import date

from sitewarden.catalog.importers.eol import EolImporter
from sitewarden.catalog.records import BranchRecord
from tests.catalog.importers.samples import parse, parse_fails, sample


def test_php_cycles_carry_support_and_end_of_life() -> None:
    records = parse(EolImporter(), sample("eol-php.json"), "php")
    cycles = {r.branch: r for r in records if isinstance(r, BranchRecord)}
    assert cycles["8.1"].security_until == date(2025, 12, 31)
    assert cycles["8.3"].latest == "8.3.14"
    assert cycles["5.2"].eol is True and cycles["5.2"].security_until is None
    assert all(r.product == "php" for r in cycles.values())


def test_truncated_answer_is_refused() -> None:
    assert parse_fails(EolImporter(), sample("eol-php.json")[:150], "php")


def test_empty_answer_is_refused() -> None:
    assert parse_fails(EolImporter(), b"[]", "php")


def test_product_page_gives_support_and_extended_support_per_branch() -> None:
    records = parse(EolImporter(), sample("real/eol/typo3.md"), "typo3.md")
    branches = {r.branch: r for r in records if isinstance(r, BranchRecord)}
    twelve = branches["12"]
    assert (twelve.product, twelve.security_until, twelve.elts_until) == ("typo3", date(2026, 4, 30), date(2029, 4, 30))
    assert branches["14"].latest == "14.3.6"


def test_release_list_gives_every_version_with_its_date() -> None:
    from sitewarden.catalog.records import ReleaseRecord

    records = parse(EolImporter(), sample("real/eol/drupal.json"), "drupal.json")
    releases = {r.version: r for r in records if isinstance(r, ReleaseRecord)}
    assert {"7.101", "7.102", "7.103", "10.6.15"} <= set(releases)
    assert releases["7.103"].product == "drupal" and releases["7.103"].released is not None


def test_v1_answer_is_read() -> None:
    answer = (
        b'{"result": {"name": "php", "releases": [{"name": "8.4", "isEol": false, "eolFrom": "2028-12-31",'
        b' "eoasFrom": "2026-12-31", "latest": {"name": "8.4.8"}}]}}'
    )
    (branch,) = parse(EolImporter(), answer, "php")
    assert isinstance(branch, BranchRecord)
    assert (branch.branch, branch.security_until, branch.latest) == ("8.4", date(2028, 12, 31), "8.4.8")
