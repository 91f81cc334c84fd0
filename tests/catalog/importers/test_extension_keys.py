"""TYPO3 extension key ↔ Composer name from Packagist metadata."""

from __future__ import annotations

from sitewarden.catalog.importers.base import ImportContext
from sitewarden.catalog.importers.extension_keys import ExtensionKeysImporter
from sitewarden.catalog.records import ProductRecord
from tests.catalog.importers.samples import parse, parse_fails, sample


def test_metadata_links_the_key_to_the_composer_name() -> None:
    records = parse(ExtensionKeysImporter(), sample("extension-keys-news.json"))
    assert records == [ProductRecord(product="ter:news", aliases=("composer:georgringer/news",))]


def test_plain_mapping_object_is_read() -> None:
    records = parse(ExtensionKeysImporter(), b'{"tt_address": "friendsoftypo3/tt-address"}')
    assert [r.aliases for r in records if isinstance(r, ProductRecord)] == [("composer:friendsoftypo3/tt-address",)]


def test_truncated_metadata_is_refused() -> None:
    assert parse_fails(ExtensionKeysImporter(), sample("extension-keys-news.json")[:80])


def test_parts_ask_for_the_fleets_composer_packages() -> None:
    parts = ExtensionKeysImporter().parts(ImportContext(wanted={"composer": ["georgringer/news"]}))
    assert [part.url for part in parts] == ["https://repo.packagist.org/p2/georgringer/news.json"]
