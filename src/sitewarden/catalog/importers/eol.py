"""Release cycles and their end-of-life dates from endoflife.date, for PHP, databases, web servers and the CMSs.

Read in every shape endoflife.date publishes: the v0 API (`api/<product>.json`, a list of cycles), the v1 API
(`api/v1/products/<product>`), a product page of the endoflife.date repository (`products/<product>.md`, YAML
front matter with `releases:`), and a release list of endoflife-date/release-data (`releases/<product>.json`,
every version with its date). The part name (file name) is the product.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import yaml

from sitewarden.catalog.importers.base import ImportContext, Importer, Part, parse_day, parse_moment, text_of
from sitewarden.catalog.records import BranchRecord, CatalogRecord, ReleaseRecord

PRODUCTS = ("php", "mysql", "mariadb", "postgresql", "nginx", "typo3", "wordpress", "drupal", "joomla")
MAX_DOCUMENT = 32 * 1024 * 1024


class EolImporter(Importer):
    """endoflife.date: release cycles with release date, end of support, end of life and latest release."""

    source = "eol"
    group = "eol"
    default_url = "https://endoflife.date/api"

    def parts(self, context: ImportContext) -> list[Part]:
        base = self.url(context).rstrip("/")
        products = context.wanted.get("eol") or list(PRODUCTS)
        return [Part(product, f"{base}/{product}.json") for product in products]

    def wants_file(self, path: Path, context: ImportContext) -> bool:
        """Only the products sitewarden judges: a whole endoflife.date or release-data checkout holds hundreds."""
        return path.name.split(".", 1)[0] in (context.wanted.get("eol") or PRODUCTS)

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        product = part.name.split(".", 1)[0].rsplit("/", 1)[-1]
        text = stream.read(MAX_DOCUMENT)
        count = 0
        for record in _records(product, text):
            count += 1
            yield record
        if not count:
            raise ValueError(f"no release cycles for {product}")


def _records(product: str, text: bytes) -> Iterator[CatalogRecord]:
    stripped = text.lstrip()
    if stripped.startswith(b"---"):
        page = yaml.safe_load(stripped.split(b"---", 2)[1])
        for cycle in (page or {}).get("releases") or []:
            yield _page_branch(product, cycle)
        return
    document = json.loads(text)
    if isinstance(document, list):
        for cycle in document:
            yield _branch(product, cycle)
    elif isinstance(document, dict) and isinstance(document.get("result"), dict):
        for cycle in document["result"].get("releases") or []:
            yield _v1_branch(product, cycle)
    elif isinstance(document, dict) and isinstance(document.get("versions"), dict):
        yield from release_list(product, document)
    else:
        raise ValueError(f"{product}: not an endoflife.date document")


def release_list(product: str, document: dict[str, Any]) -> Iterator[ReleaseRecord]:
    """endoflife-date/release-data `releases/<product>.json`: every version with its date."""
    for name, entry in (document.get("versions") or {}).items():
        version = text_of((entry or {}).get("name")) or text_of(name)
        if version:
            yield ReleaseRecord(product=product, version=version, released=parse_moment((entry or {}).get("date")))


def _branch(product: str, cycle: dict[str, Any]) -> BranchRecord:
    name = text_of(cycle.get("cycle"))
    if not name:
        raise ValueError(f"a {product} cycle without a name")
    eol = cycle.get("eol")
    extended = cycle.get("extendedSupport")
    return BranchRecord(
        product=product,
        branch=name,
        released=parse_day(cycle.get("releaseDate")),
        support_until=parse_day(cycle.get("support")),
        security_until=parse_day(eol),
        elts_until=parse_day(extended),
        eol=eol if isinstance(eol, bool) else None,
        latest=text_of(cycle.get("latest")) or None,
        lts=bool(cycle.get("lts")),
    )


def _page_branch(product: str, cycle: dict[str, Any]) -> BranchRecord:
    """A `releases:` entry of a product page: `releaseCycle`, `eoas`, `eol`, `eoes`, `latest`."""
    return _branch(
        product,
        {
            "cycle": cycle.get("releaseCycle"),
            "releaseDate": _iso(cycle.get("releaseDate")),
            "support": _iso(cycle.get("eoas")),
            "eol": _iso(cycle.get("eol")),
            "extendedSupport": _iso(cycle.get("eoes")),
            "latest": cycle.get("latest"),
            "lts": cycle.get("lts"),
        },
    )


def _v1_branch(product: str, cycle: dict[str, Any]) -> BranchRecord:
    """A v1 API release: `name`, `isEol`/`eolFrom`, `eoasFrom`, `eoesFrom`, `latest.name`."""
    eol = cycle.get("eolFrom") or cycle.get("isEol")
    return _branch(
        product,
        {
            "cycle": cycle.get("name"),
            "releaseDate": cycle.get("releaseDate"),
            "support": cycle.get("eoasFrom"),
            "eol": eol,
            "extendedSupport": cycle.get("eoesFrom"),
            "latest": (cycle.get("latest") or {}).get("name"),
            "lts": cycle.get("isLts"),
        },
    )


def _iso(value: Any) -> Any:
    """YAML reads `2026-04-30` as a date; the v0 shape has strings or booleans."""
    return value.isoformat() if hasattr(value, "isoformat") else value
