"""WordPress core stable-check."""

from __future__ import annotations

from sitewarden.catalog.importers.wordpress import WordpressImporter
from sitewarden.catalog.records import ProductRecord, ReleaseRecord
from tests.catalog.importers.samples import parse, parse_fails, sample


def test_sample_marks_insecure_outdated_and_latest() -> None:
    records = parse(WordpressImporter(), sample("wordpress-stable-check.json"))
    releases = {r.version: r for r in records if isinstance(r, ReleaseRecord)}
    assert releases["6.4.2"].insecure
    assert not releases["6.4.3"].insecure and releases["6.4.3"].state == "outdated"
    assert [r.latest for r in records if isinstance(r, ProductRecord)] == ["6.7.1"]


def test_truncated_answer_is_refused() -> None:
    data = sample("wordpress-stable-check.json")
    assert parse_fails(WordpressImporter(), data[:100])


def test_answer_without_a_latest_release_is_refused() -> None:
    assert parse_fails(WordpressImporter(), b'{"6.4.2": "insecure"}')


def test_release_list_adds_the_releases_of_each_branch() -> None:
    records = parse(WordpressImporter(), sample("real/wordpress/releases.json"))
    versions = {r.version for r in records if isinstance(r, ReleaseRecord)}
    assert {"6.1.9", "6.1.12", "7.1"} <= versions
    assert not any(isinstance(r, ProductRecord) for r in records)
