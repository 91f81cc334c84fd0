"""Drupal release history XML."""

from __future__ import annotations

from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.drupal import DrupalImporter
from sitewarden.catalog.records import ProductRecord, ReleaseRecord
from tests.catalog.importers.samples import parse, parse_fails, sample


def test_recorded_7x_history_gives_security_and_bugfix_releases() -> None:
    records = parse(DrupalImporter(), sample("drupal-7.x.xml"), "drupal")
    releases = {r.version: r for r in records if isinstance(r, ReleaseRecord)}
    assert releases["7.29"].kind == "security"
    assert releases["7.28"].kind == "regular"
    assert releases["7.27"].released is not None and releases["7.27"].released.year == 2014
    assert [r.status for r in records if isinstance(r, ProductRecord)] == ["published"]


def test_current_history_reads_insecure_unsupported_and_supported_branches() -> None:
    records = parse(DrupalImporter(), sample("drupal-current.xml"), "drupal")
    releases = {r.version: r for r in records if isinstance(r, ReleaseRecord)}
    assert releases["10.3.9"].insecure
    assert releases["9.5.11"].state == "unsupported"
    assert "11.2.0-alpha1" not in releases  # unpublished
    product = next(r for r in records if isinstance(r, ProductRecord))
    assert product.supported_branches == ("10.3.", "10.4.", "11.0.", "11.1.")


def test_core_fixture_marks_insecure_releases_and_names_the_supported_branch() -> None:
    records = parse(DrupalImporter(), sample("drupal-core-fixture.xml"), "drupal")
    releases = {r.version: r for r in records if isinstance(r, ReleaseRecord)}
    assert set(releases) == {"8.1.2", "8.1.1", "8.1.0", "8.0.2", "8.0.1", "8.0.0"}
    assert releases["8.1.2"].kind == "security" and not releases["8.1.2"].insecure
    assert releases["8.1.1"].insecure and releases["8.0.0"].insecure
    product = next(r for r in records if isinstance(r, ProductRecord))
    assert product.supported_branches == ("8.1.",)


def test_truncated_history_is_refused() -> None:
    data = sample("drupal-current.xml")
    assert parse_fails(DrupalImporter(), data[: len(data) // 2], "drupal")


def test_parts_are_core_and_the_projects_the_fleet_uses() -> None:
    parts = DrupalImporter().parts(ImportContext(wanted={"drupal": ["token", "drupal"]}))
    assert [part.name for part in parts] == ["drupal", "token"]
    assert parts[1].url.endswith("/release-history/token/current")
