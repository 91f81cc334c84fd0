"""Packagist security-advisories API."""

from __future__ import annotations

from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.packagist import PackagistImporter
from sitewarden.catalog.ranges import parse_constraint
from sitewarden.catalog.records import AdvisoryRecord
from sitewarden.catalog.versions import parse_version
from tests.catalog.importers.samples import parse, parse_fails, sample


def test_sample_gives_core_advisories_with_composer_ranges() -> None:
    records = {
        r.id: r
        for r in parse(PackagistImporter(), sample("packagist-advisories.json"))
        if isinstance(r, AdvisoryRecord)
    }
    typo3 = records["PKSA-2ws8-9m8t-7dqf"]
    assert typo3.product == "typo3"
    assert "CVE-2022-23499" in typo3.aliases and "GHSA-hvwx-qh2h-xcfj" in typo3.aliases
    assert parse_constraint(typo3.affected).contains(parse_version("10.4.32"))
    assert "10.4.33" in typo3.fixed
    drupal = records["PKSA-yhcm-w93d-4d7y"]
    assert drupal.product == "drupal" and drupal.severity is None


def test_truncated_answer_is_refused() -> None:
    data = sample("packagist-advisories.json")
    assert parse_fails(PackagistImporter(), data[: len(data) - 300])


def test_request_names_the_cores_and_the_fleets_packages() -> None:
    (part,) = PackagistImporter().parts(ImportContext(wanted={"composer": ["in2code/powermail"]}))
    assert "packages[]=typo3/cms-core" in part.url and "packages[]=in2code/powermail" in part.url


def test_friendsofphp_system_package_advisory_is_the_cores() -> None:
    from sitewarden.catalog.importers.packagist import PackagistImporter as Importer
    from sitewarden.catalog.records import AdvisoryRecord

    records = parse(Importer(), sample("real/packagist/typo3/cms-form/CVE-2026-15305.yaml"), "CVE-2026-15305")
    assert len(records) == 1 and isinstance(records[0], AdvisoryRecord)
    advisory = records[0]
    assert (advisory.id, advisory.product, advisory.affected) == ("CVE-2026-15305", "typo3", ">=14.2.0,<14.3.5")
    assert advisory.aliases == ("TYPO3-CORE-SA-2026-020",) and advisory.fixed == ("14.3.5",)


def test_friendsofphp_drupal_core_keeps_its_7x_branch_and_cuts_open_ranges_to_8() -> None:
    from sitewarden.catalog.importers.packagist import friendsofphp_advisory

    seven = b"title: SA-CORE-2020-003\nbranches:\n  7.x: {versions: ['>=7.0.0', '<7.70']}\nreference: composer://drupal/core\n"
    found = friendsofphp_advisory(seven, "drupal/core/2020-05-20-1.yaml")
    assert found is not None and (found.id, found.affected) == ("SA-CORE-2020-003", ">=7.0.0,<7.70")
    later = b"title: x\nbranches:\n  9.x: {versions: ['<9.1.9']}\nreference: composer://drupal/core\n"
    found = friendsofphp_advisory(later, "drupal/core/x.yaml")
    assert found is not None and found.affected == ">=8.0.0-dev,<9.1.9"


def test_parts_ask_for_the_typo3_system_packages_and_the_fleets_packages() -> None:
    (part,) = PackagistImporter().parts(ImportContext(wanted={"composer": ["georgringer/news"]}))
    assert "packages[]=typo3/cms-form" in part.url and "packages[]=georgringer/news" in part.url
    assert "packages[]=drupal/drupal" in part.url
