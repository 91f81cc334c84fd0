"""WordPress plugin information API."""

from __future__ import annotations

from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.wordpress_plugins import WordpressPluginsImporter
from sitewarden.catalog.records import ProductRecord, ReleaseRecord
from tests.catalog.importers.samples import parse, parse_fails, sample


def test_plugin_answer_gives_latest_and_releases() -> None:
    records = parse(WordpressPluginsImporter(), sample("wordpress-plugin-akismet.json"), "akismet")
    assert ProductRecord(product="wp-plugin:akismet", latest="5.3.5") in records
    versions = sorted(r.version for r in records if isinstance(r, ReleaseRecord))
    assert versions == ["5.3.3", "5.3.4", "5.3.5"]


def test_plugin_closed_for_a_security_issue_is_insecure() -> None:
    records = parse(WordpressPluginsImporter(), sample("wordpress-plugin-closed.json"), "closed-example")
    assert records == [ProductRecord(product="wp-plugin:closed-example", status="insecure", reason="Security Issue")]


def test_unknown_plugin_gives_no_records() -> None:
    assert parse(WordpressPluginsImporter(), sample("wordpress-plugin-missing.json"), "nope") == []


def test_truncated_answer_is_refused() -> None:
    assert parse_fails(WordpressPluginsImporter(), sample("wordpress-plugin-akismet.json")[:90], "akismet")


def test_only_plugins_the_fleet_uses_are_asked_for() -> None:
    parts = WordpressPluginsImporter().parts(ImportContext(wanted={"wp-plugin": ["akismet", "akismet", "jetpack"]}))
    assert [part.name for part in parts] == ["akismet", "jetpack"]
    assert "request[slug]=akismet" in parts[0].url
