"""Packagist's security-advisories API (what `composer audit` reads): FriendsOfPHP and GitHub advisories."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import quote

import ijson

from sitewarden.catalog.importers.base import ImportContext, Importer, Part, parse_moment, text_of
from sitewarden.catalog.ranges import parse_constraint
from sitewarden.catalog.records import AdvisoryRecord, CatalogRecord, composer_product, normalise_severity

PACKAGES = ("typo3/cms-core", "drupal/core", "johnpbloch/wordpress-core", "joomla/joomla-cms")


class PackagistImporter(Importer):
    """Packagist advisories for the CMS cores and the Composer packages the fleet uses."""

    source = "packagist"
    group = "advisories"
    default_url = "https://packagist.org/api/security-advisories/"

    def parts(self, context: ImportContext) -> list[Part]:
        packages = sorted(set(PACKAGES) | set(context.wanted.get("composer", [])))
        query = "&".join(f"packages[]={quote(name)}" for name in packages)
        return [Part("all", f"{self.url(context)}?{query}")]

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        for package, advisories in ijson.kvitems(stream, "advisories"):
            for advisory in advisories:
                yield _advisory(package, advisory)


def _advisory(package: str, advisory: dict[str, Any]) -> AdvisoryRecord:
    ident = text_of(advisory.get("advisoryId"))
    constraint = text_of(advisory.get("affectedVersions"))
    if not ident or not constraint:
        raise ValueError(f"an advisory of {package} without an id or affected versions")
    affected = parse_constraint(constraint)
    aliases = [text_of(advisory.get("cve"))] + [
        text_of(source.get("remoteId")) for source in advisory.get("sources") or []
    ]
    fixed = [str(interval.high) for interval in affected.intervals if interval.high and not interval.high_inclusive]
    return AdvisoryRecord(
        id=ident,
        product=composer_product(text_of(advisory.get("packageName")) or package),
        affected=str(affected),
        title=text_of(advisory.get("title")),
        severity=normalise_severity(advisory.get("severity")),
        aliases=tuple(dict.fromkeys(alias for alias in aliases if alias and alias != ident)),
        fixed=tuple(fixed),
        link=text_of(advisory.get("link")) or None,
        published=parse_moment(advisory.get("reportedAt")),
    )
