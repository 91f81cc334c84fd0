"""TYPO3 extension key ↔ Composer package name, from Packagist package metadata (`extra.typo3/cms.extension-key`).

A site reports its extensions by key (`news`); advisories are filed for the Composer name (`georgringer/news`).
Read from Packagist's metadata of the Composer packages the fleet and the config name (`repo.packagist.org/p2/`,
or the `packages/<name>.json` answer), or from a plain JSON object `{"news": "georgringer/news"}`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any
from urllib.parse import quote

from sitewarden.catalog.importers.base import ImportContext, Importer, Part, text_of
from sitewarden.catalog.records import CatalogRecord, ProductRecord

MAX_DOCUMENT = 32 * 1024 * 1024


class ExtensionKeysImporter(Importer):
    """Packagist metadata: which Composer package is which TYPO3 extension key."""

    source = "extension_keys"
    group = "extensions"
    default_url = "https://repo.packagist.org/p2/"

    def parts(self, context: ImportContext) -> list[Part]:
        base = self.url(context).rstrip("/")
        names = sorted({name for name in context.wanted.get("composer", []) if "/" in name})
        return [Part(name.replace("/", "~"), f"{base}/{quote(name)}.json") for name in names]

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        document = json.loads(stream.read(MAX_DOCUMENT))
        if not isinstance(document, dict):
            raise ValueError("expected a JSON object")
        pairs = list(_pairs(document))
        if not pairs and not _is_metadata(document):
            raise ValueError("neither Packagist metadata nor a key → name object")
        for key, name in pairs:
            yield ProductRecord(product=f"ter:{key}", aliases=(f"composer:{name.lower()}",))


def _is_metadata(document: dict[str, Any]) -> bool:
    return isinstance(document.get("packages"), dict) or isinstance(document.get("package"), dict)


def _pairs(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if isinstance(document.get("packages"), dict):  # p2: {"packages": {name: [version, ...]}}
        for name, versions in document["packages"].items():
            key = _key(versions if isinstance(versions, list) else [])
            if key:
                yield key, text_of(name)
    elif isinstance(document.get("package"), dict):  # packages/<name>.json: {"package": {"versions": {...}}}
        package = document["package"]
        versions = package.get("versions") or {}
        key = _key(versions.values() if isinstance(versions, dict) else [])
        if key:
            yield key, text_of(package.get("name"))
    else:
        for key, name in document.items():
            if isinstance(name, str) and "/" in name:
                yield text_of(key), text_of(name)


def _key(versions: Iterable[Any]) -> str | None:
    """The extension key of the newest version that declares one (p2 lists newest first)."""
    for version in versions:
        extra = (version or {}).get("extra") if isinstance(version, dict) else None
        typo3 = extra.get("typo3/cms") if isinstance(extra, dict) else None
        key = text_of(typo3.get("extension-key")) if isinstance(typo3, dict) else ""
        if key:
            return key
    return None
