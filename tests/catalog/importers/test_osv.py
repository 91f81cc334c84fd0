"""OSV records, one by one or as all.zip."""

from __future__ import annotations

import io
import zipfile

from sitewarden.catalog.importers.osv import OsvImporter
from sitewarden.catalog.ranges import parse_constraint
from sitewarden.catalog.records import AdvisoryRecord
from sitewarden.catalog.versions import parse_version
from tests.catalog.importers.samples import SAMPLES, parse, parse_fails


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((SAMPLES / "osv").glob("*.json")):
            archive.writestr(path.name, path.read_bytes())
    return buffer.getvalue()


def test_all_zip_gives_advisories_with_ranges_aliases_and_fixes() -> None:
    records = [r for r in parse(OsvImporter(), _zip()) if isinstance(r, AdvisoryRecord)]
    by_id = {r.id: r for r in records}
    assert set(by_id) == {"GHSA-3vmm-7h4j-69rm", "DRUPAL-CONTRIB-2021-025"}  # the withdrawn one is left out
    assert len(records) == 2
    typo3 = by_id["GHSA-3vmm-7h4j-69rm"]
    assert typo3.product == "typo3"
    assert typo3.aliases == ("CVE-2023-47127",)
    assert typo3.severity == "medium"
    assert typo3.fixed == ("8.7.55", "9.5.44", "10.4.41", "11.5.33", "12.4.8")
    affected = parse_constraint(typo3.affected)
    assert affected.contains(parse_version("11.5.32")) and not affected.contains(parse_version("11.5.33"))
    assert affected.contains(parse_version("12.4.7")) and not affected.contains(parse_version("12.4.8"))
    toolbar = by_id["DRUPAL-CONTRIB-2021-025"]
    assert toolbar.product == "drupal:admin_toolbar"
    assert toolbar.link == "https://www.drupal.org/sa-contrib-2021-025"
    toolbar_affected = parse_constraint(toolbar.affected)
    assert toolbar_affected.contains(parse_version("2.4.0")) and not toolbar_affected.contains(parse_version("2.5.0"))
    assert toolbar_affected.contains(parse_version("3.0.1")) and not toolbar_affected.contains(parse_version("3.0.2"))


def test_one_advisory_per_package_keeps_every_branch_of_a_record() -> None:
    """GitHub lists each branch as its own `affected` entry; all of them must reach the one stored advisory."""
    data = (SAMPLES / "osv" / "GHSA-3vmm-7h4j-69rm.json").read_bytes()
    (typo3,) = [r for r in parse(OsvImporter(), data) if isinstance(r, AdvisoryRecord)]
    affected = parse_constraint(typo3.affected)
    for insecure in ("8.7.54", "9.5.43", "10.4.40", "11.5.32", "12.4.7"):
        assert affected.contains(parse_version(insecure)), insecure
    for fixed in ("8.7.55", "9.5.44", "10.4.41", "11.5.33", "12.4.8", "13.0.0"):
        assert not affected.contains(parse_version(fixed)), fixed


def test_truncated_zip_is_refused() -> None:
    data = _zip()
    assert parse_fails(OsvImporter(), data[: len(data) // 2])


def test_corrupt_record_is_refused() -> None:
    import json

    affected = {"package": {"ecosystem": "Packagist", "name": "a/b"}, "ranges": [{"type": "ECOSYSTEM", "events": []}]}
    affected["ranges"][0]["events"] = [{"introduced": "not a version"}]  # type: ignore[index]
    assert parse_fails(OsvImporter(), json.dumps({"id": "GHSA-1", "affected": [affected]}).encode())


def _drupal(name: str) -> AdvisoryRecord:
    records = parse(OsvImporter(), (SAMPLES / "real" / "osv" / f"{name}.json").read_bytes())
    assert len(records) == 1 and isinstance(records[0], AdvisoryRecord)
    return records[0]


def test_drupal_core_range_from_introduced_0_never_reaches_drupal_7() -> None:
    advisory = _drupal("DRUPAL-CORE-2026-005")
    affected = parse_constraint(advisory.affected)
    assert advisory.product == "drupal"
    assert not affected.contains(parse_version("7.103")) and not affected.contains(parse_version("7.50"))
    assert affected.contains(parse_version("10.5.11")) and not affected.contains(parse_version("10.5.12"))
    assert affected.contains(parse_version("11.1.5"))


def test_drupal_7_ranges_come_from_affected_versions() -> None:
    advisory = _drupal("DRUPAL-CORE-2024-008")
    affected = parse_constraint(advisory.affected)
    assert affected.contains(parse_version("7.101")) and not affected.contains(parse_version("7.102"))
    assert "7.102" in advisory.fixed and "SA-CORE-2024-008" in advisory.aliases
    assert parse_constraint(_drupal("DRUPAL-CORE-2023-005").affected).contains(parse_version("7.95"))
