"""TER extensions.xml(.gz)."""

from __future__ import annotations

import gzip
import io

from sitewarden.catalog.importers.base import Part
from sitewarden.catalog.importers.ter import TerImporter
from sitewarden.catalog.records import ReleaseRecord
from tests.catalog.importers.samples import parse, parse_fails, sample


def test_sample_gives_every_extension_version_with_state_and_review() -> None:
    records = parse(TerImporter(), sample("ter-extensions.xml"))
    releases = {(r.product, r.version): r for r in records if isinstance(r, ReleaseRecord)}
    assert len(releases) == 5
    assert releases[("ter:news", "11.3.0")].insecure
    assert not releases[("ter:news", "11.4.1")].insecure
    assert releases[("ter:powermail", "12.4.0-beta1")].state == "beta"
    assert releases[("ter:news", "11.4.1")].released is not None


def test_core_fixture_gives_each_version_of_each_extension() -> None:
    records = parse(TerImporter(), sample("ter-core-fixture.xml"))
    releases = {(r.product, r.version): r for r in records if isinstance(r, ReleaseRecord)}
    assert set(releases) == {("ter:news", "1.0.0"), ("ter:news", "0.1.0"), ("ter:fake-news", "1.0.0")}
    assert releases[("ter:news", "0.1.0")].state == "beta"
    assert not any(release.insecure for release in releases.values())
    released = releases[("ter:news", "1.0.0")].released
    assert released is not None and released.year == 2008


def test_gzipped_list_is_read_as_a_stream() -> None:
    from sitewarden.catalog.importers.base import open_payload

    packed = gzip.compress(sample("ter-extensions.xml"))
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extensions.xml.gz"
        path.write_bytes(packed)
        with open_payload(path) as stream:
            records = list(TerImporter().parse(stream, Part("all", path.as_uri())))
    assert len(records) == 5


def test_truncated_list_is_refused() -> None:
    data = sample("ter-extensions.xml")
    assert parse_fails(TerImporter(), data[: len(data) - 200])


def test_truncated_gzip_is_refused() -> None:
    import gzip as gz

    packed = gzip.compress(sample("ter-extensions.xml"))
    broken = packed[: len(packed) - 40]
    try:
        list(TerImporter().parse(gz.GzipFile(fileobj=io.BytesIO(broken)), Part("all", "file:///x")))  # type: ignore[arg-type]
    except (EOFError, OSError):
        return
    raise AssertionError("a truncated gzip stream was accepted")


def test_other_xml_is_refused() -> None:
    assert parse_fails(TerImporter(), b"<?xml version='1.0'?><html><body/></html>")
