"""Wordfence Intelligence feed."""

from __future__ import annotations

from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.wordfence import WordfenceImporter
from sitewarden.catalog.ranges import parse_constraint
from sitewarden.catalog.records import AdvisoryRecord
from sitewarden.catalog.versions import parse_version
from tests.catalog.importers.samples import parse, parse_fails, sample


def test_feed_gives_plugin_and_core_advisories() -> None:
    records = {
        r.product: r for r in parse(WordfenceImporter(), sample("wordfence.json")) if isinstance(r, AdvisoryRecord)
    }
    plugin = records["wp-plugin:akismet"]
    assert plugin.fixed == ("5.3.5",) and plugin.severity == "medium" and plugin.aliases == ("CVE-2024-00001",)
    assert parse_constraint(plugin.affected).contains(parse_version("5.3.4"))
    assert not parse_constraint(plugin.affected).contains(parse_version("5.3.5"))
    core = records["wordpress"]
    assert parse_constraint(core.affected).contains(parse_version("6.4"))
    assert not parse_constraint(core.affected).contains(parse_version("6.4.3"))


def test_truncated_feed_is_refused() -> None:
    data = sample("wordfence.json")
    assert parse_fails(WordfenceImporter(), data[: len(data) // 2])


def test_without_an_api_key_nothing_is_fetched() -> None:
    assert WordfenceImporter().parts(ImportContext()) == []
    (part,) = WordfenceImporter().parts(ImportContext(secrets={"wordfence": "k3y-value"}))
    assert ("Authorization", "Bearer k3y-value") in part.headers
