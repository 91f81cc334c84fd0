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
