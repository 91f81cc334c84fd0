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
    assert set(by_id) == {"GHSA-mm79-jhqm-9j54", "DRUPAL-CONTRIB-2024-001"}  # the withdrawn one is left out
    typo3 = by_id["GHSA-mm79-jhqm-9j54"]
    assert typo3.product == "typo3"
    assert typo3.aliases == ("CVE-2022-23499",)
    assert typo3.severity == "medium"
    assert typo3.fixed == ("10.4.33", "11.5.20", "12.1.1")
    affected = parse_constraint(typo3.affected)
    assert affected.contains(parse_version("11.5.19")) and not affected.contains(parse_version("11.5.20"))
    assert by_id["DRUPAL-CONTRIB-2024-001"].product == "drupal:token"


def test_single_record_is_read_too() -> None:
    data = (SAMPLES / "osv" / "GHSA-mm79-jhqm-9j54.json").read_bytes()
    assert [r.id for r in parse(OsvImporter(), data) if isinstance(r, AdvisoryRecord)] == ["GHSA-mm79-jhqm-9j54"]


def test_truncated_zip_is_refused() -> None:
    data = _zip()
    assert parse_fails(OsvImporter(), data[: len(data) // 2])


def test_corrupt_record_is_refused() -> None:
    import json

    affected = {"package": {"ecosystem": "Packagist", "name": "a/b"}, "ranges": [{"type": "ECOSYSTEM", "events": []}]}
    affected["ranges"][0]["events"] = [{"introduced": "not a version"}]  # type: ignore[index]
    assert parse_fails(OsvImporter(), json.dumps({"id": "GHSA-1", "affected": [affected]}).encode())
