"""Wordfence Intelligence: WordPress core, plugin and theme vulnerabilities (needs the user's own API key)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import ijson

from sitewarden.catalog.importers.base import ImportContext, Importer, Part, parse_moment, text_of
from sitewarden.catalog.ranges import Interval, VersionRange, from_bounds
from sitewarden.catalog.records import AdvisoryRecord, CatalogRecord, normalise_severity

KINDS = {"core": "wordpress", "plugin": "wp-plugin:", "theme": "wp-theme:"}


class WordfenceImporter(Importer):
    """Wordfence Intelligence v3 production feed; runs only when `catalog.wordfence_api_key` is set."""

    source = "wordfence"
    group = "advisories"
    default_url = "https://www.wordfence.com/api/intelligence/v3/vulnerabilities/production"
    optional = True

    def parts(self, context: ImportContext) -> list[Part]:
        key = context.secrets.get(self.source)
        if not key and not self.url(context).startswith("file:") and context.local is None:
            return []
        headers = (("Authorization", f"Bearer {key}"),) if key else ()
        return [Part("all", self.url(context), headers=headers)]

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        for ident, record in ijson.kvitems(stream, ""):
            yield from _advisories(text_of(ident), record)


def _advisories(ident: str, record: dict[str, Any]) -> Iterator[AdvisoryRecord]:
    cvss = record.get("cvss") or {}
    cve = text_of(record.get("cve"))
    for software in record.get("software") or []:
        prefix = KINDS.get(text_of(software.get("type")))
        slug = text_of(software.get("slug"))
        if prefix is None or (prefix.endswith(":") and not slug):
            continue
        intervals: list[Interval] = []
        for bounds in (software.get("affected_versions") or {}).values():
            found = from_bounds(
                bounds.get("from_version"),
                bool(bounds.get("from_inclusive", True)),
                bounds.get("to_version"),
                bool(bounds.get("to_inclusive", True)),
            )
            intervals.extend(found.intervals)
        if not intervals:
            continue
        yield AdvisoryRecord(
            id=text_of(record.get("id")) or ident,
            product=prefix + slug if prefix.endswith(":") else prefix,
            affected=str(VersionRange(tuple(intervals))),
            title=text_of(record.get("title")),
            severity=normalise_severity(cvss.get("rating") if isinstance(cvss, dict) else None),
            aliases=(cve,) if cve else (),
            fixed=tuple(text_of(version) for version in software.get("patched_versions") or []),
            link=next((text_of(link) for link in record.get("references") or []), None),
            published=parse_moment(record.get("published")),
        )
