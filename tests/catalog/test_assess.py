"""Verdicts from catalogue rows built from the recorded samples."""

from __future__ import annotations

from datetime import date
from typing import Any

from sitewarden.catalog.assess import Item, assess_item, product_for
from sitewarden.catalog.importers.drupal import DrupalImporter
from sitewarden.catalog.importers.eol import EolImporter
from sitewarden.catalog.importers.packagist import PackagistImporter
from sitewarden.catalog.importers.ter import TerImporter
from sitewarden.catalog.importers.typo3 import Typo3Importer
from sitewarden.catalog.importers.wordpress import WordpressImporter
from sitewarden.catalog.importers.wordpress_plugins import WordpressPluginsImporter
from sitewarden.catalog.records import CatalogRecord
from sitewarden.store.catalog import SPECS
from tests.catalog.importers.samples import parse, sample

TODAY = date(2026, 11, 26)


def _rows(source: str, records: list[CatalogRecord]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        table, _, values_of = SPECS[type(record)]
        rows.setdefault(table.name, []).append(dict(values_of(record), source=source))
    return rows


def _merge(*parts: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, list[dict[str, Any]]] = {}
    for part in parts:
        for table, rows in part.items():
            merged.setdefault(table, []).extend(rows)
    return merged


TYPO3 = _merge(
    _rows("typo3", parse(Typo3Importer(), sample("typo3-major.json"), "major")),
    _rows("typo3", parse(Typo3Importer(), sample("typo3-release.json"), "release")),
)


def _judge(rows: dict[str, list[dict[str, Any]]], product: str, version: str | None, kind: str = "core") -> Any:
    return assess_item(Item(kind, product.split(":")[-1], product, version), rows, TODAY)


def test_missing_security_release_is_insecure_with_the_fixing_version() -> None:
    verdict = _judge(TYPO3, "typo3", "12.4.10")
    assert verdict.verdict == "insecure"
    assert verdict.fixed_version == "12.4.22"
    assert "security release 12.4.22 of its branch is missing" in verdict.summary


def test_a_newer_release_in_the_branch_is_outdated() -> None:
    rows = _rows("wordpress", parse(WordpressImporter(), sample("wordpress-stable-check.json")))
    verdict = _judge(rows, "wordpress", "6.7")
    assert (verdict.verdict, verdict.branch_latest) == ("outdated", "6.7.1")


def test_newest_release_is_up_to_date() -> None:
    rows = _rows("wordpress", parse(WordpressImporter(), sample("wordpress-stable-check.json")))
    assert _judge(rows, "wordpress", "6.7.1").verdict == "up_to_date"


def test_release_the_source_calls_insecure_is_insecure() -> None:
    rows = _rows("wordpress", parse(WordpressImporter(), sample("wordpress-stable-check.json")))
    verdict = _judge(rows, "wordpress", "6.4.2")
    assert verdict.verdict == "insecure" and verdict.fixed_version == "6.4.3"


def test_branch_past_end_of_life_is_eol() -> None:
    rows = _rows("eol", parse(EolImporter(), sample("eol-php.json"), "php"))
    verdict = _judge(rows, "php", "7.4.33-1+deb11u5", kind="php")
    assert verdict.verdict == "eol"
    assert "2022-11-28" in verdict.summary
    judged = _judge(rows, "php", "8.3.14", kind="php")  # 8.4 exists, 8.3 is supported
    assert (judged.verdict, judged.upgrade) == ("up_to_date", "minor")


def test_typo3_major_past_maintained_until_is_eol() -> None:
    assert _judge(TYPO3, "typo3", "11.5.41").verdict == "eol"


def test_extension_version_marked_insecure_in_ter_is_insecure() -> None:
    rows = _rows("ter", parse(TerImporter(), sample("ter-extensions.xml")))
    verdict = _judge(rows, "ter:news", "11.3.0", kind="extension")
    assert verdict.verdict == "insecure"
    assert verdict.fixed_version == "11.4.1"


def test_unknown_extension_is_unknown() -> None:
    rows = _rows("ter", parse(TerImporter(), sample("ter-extensions.xml")))
    verdict = _judge(rows, "ter:not_in_ter", "1.0.0", kind="extension")
    assert verdict.verdict == "unknown"


def test_pre_releases_do_not_count_as_updates() -> None:
    rows = _rows("ter", parse(TerImporter(), sample("ter-extensions.xml")))
    assert _judge(rows, "ter:powermail", "12.3.5", kind="extension").verdict == "up_to_date"
    judged = _judge(rows, "ter:news", "11.4.1", kind="extension")
    assert (judged.verdict, judged.upgrade) == ("up_to_date", "major")


def test_advisory_covering_the_version_is_insecure_with_its_id_and_fix() -> None:
    rows = _rows("packagist", parse(PackagistImporter(), sample("packagist-advisories.json")))
    verdict = _judge(rows, "typo3", "11.5.19")
    assert verdict.verdict == "insecure"
    assert [a["id"] for a in verdict.advisories] == ["TYPO3-CORE-SA-2022-017"]
    assert verdict.fixed_version == "11.5.20"
    assert verdict.severity == "medium"
    assert _judge(rows, "typo3", "11.5.20").verdict != "insecure"


def test_drupal_release_marked_insecure_is_fixed_by_the_next_security_release() -> None:
    rows = _rows("drupal", parse(DrupalImporter(), sample("drupal-current.xml"), "drupal"))
    verdict = _judge(rows, "drupal", "10.3.9")
    assert verdict.verdict == "insecure" and verdict.fixed_version == "10.3.10"
    assert _judge(rows, "drupal", "10.2.0").verdict == "eol"  # not among the supported branches


def test_plugin_closed_for_security_is_insecure() -> None:
    rows = _rows("wordpress_plugins", parse(WordpressPluginsImporter(), sample("wordpress-plugin-closed.json")))
    assert _judge(rows, "wp-plugin:closed-example", "1.0", kind="plugin").verdict == "insecure"


def test_unknown_installed_version_is_unknown() -> None:
    assert _judge(TYPO3, "typo3", None).verdict == "unknown"


def test_items_map_to_catalogue_products() -> None:
    assert product_for("typo3", "extension", "news") == "ter:news"
    assert product_for("wordpress", "plugin", "akismet") == "wp-plugin:akismet"
    assert product_for("drupal", "module", "token") == "drupal:token"
    assert product_for("typo3", "core", "typo3") == "typo3"


def test_a_version_known_only_in_part_is_judged_by_its_branch_alone() -> None:
    partial = assess_item(Item("core", "typo3", "typo3", "12.4", "minor"), TYPO3, TODAY)
    assert partial.verdict != "insecure"
    assert partial.verdict in ("eol", "unknown")
    exact = assess_item(Item("core", "typo3", "typo3", "12.4.0", "exact"), TYPO3, TODAY)
    assert exact.verdict == "insecure"


def test_wordpress_without_branch_data_supports_only_the_newest_branch() -> None:
    rows = _rows("wordpress", parse(WordpressImporter(), sample("wordpress-stable-check.json")))
    judged = _judge(rows, "wordpress", "6.4.3")  # stable-check: outdated, the newest 6.4 release here
    assert (judged.verdict, judged.support, judged.upgrade) == ("eol", "eol", "minor")
    assert _judge(rows, "wordpress", "6.7.1").support == "supported"


def test_a_linked_name_alone_gives_no_verdict() -> None:
    rows = {"catalog_products": [{"product": "ter:foo", "status": "published", "aliases": ["composer:v/foo"]}]}
    assert _judge(rows, "ter:foo", "1.0.0", kind="extension").verdict == "unknown"
