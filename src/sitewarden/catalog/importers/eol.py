"""Release cycles and their end-of-life dates from endoflife.date, for PHP, databases, web servers and the CMSs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import ijson

from sitewarden.catalog.importers.base import ImportContext, Importer, Part, parse_day, text_of
from sitewarden.catalog.records import BranchRecord, CatalogRecord

PRODUCTS = ("php", "mysql", "mariadb", "postgresql", "nginx", "typo3", "wordpress", "drupal", "joomla")


class EolImporter(Importer):
    """endoflife.date: release cycles with release date, end of support, end of life and latest release."""

    source = "eol"
    group = "eol"
    default_url = "https://endoflife.date/api"

    def parts(self, context: ImportContext) -> list[Part]:
        base = self.url(context).rstrip("/")
        products = context.wanted.get("eol") or list(PRODUCTS)
        return [Part(product, f"{base}/{product}.json") for product in products]

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        count = 0
        for cycle in ijson.items(stream, "item"):
            count += 1
            yield _branch(part.name, cycle)
        if not count:
            raise ValueError(f"no release cycles for {part.name}")


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
