"""OSV advisories for Composer packages (Packagist, and drupal.org's composer repository): ranges, aliases, fixes."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from sitewarden.catalog.importers.base import Importer, Part, parse_moment, text_of
from sitewarden.catalog.ranges import Interval, VersionRange, drupal_7_range, from_osv_events, package_range
from sitewarden.catalog.records import AdvisoryRecord, CatalogRecord, composer_product, normalise_severity

MAX_RECORD = 8 * 1024 * 1024


class OsvImporter(Importer):
    """OSV.dev: every advisory for a Packagist package (all.zip, a folder export, or an API answer)."""

    source = "osv"
    group = "advisories"
    default_url = "https://osv-vulnerabilities.storage.googleapis.com/Packagist/all.zip"

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        head = stream.read(2)
        stream.seek(0)
        if head == b"PK":
            with zipfile.ZipFile(stream) as archive:
                for info in archive.infolist():
                    if info.filename.endswith(".json") and info.file_size <= MAX_RECORD:
                        with archive.open(info) as member:
                            yield from advisories_of(json.load(member))
            return
        document = json.loads(stream.read(MAX_RECORD))
        if isinstance(document, dict) and "vulns" in document:
            document = document["vulns"]
        for record in document if isinstance(document, list) else [document]:
            yield from advisories_of(record)


def advisories_of(record: dict[str, Any]) -> Iterator[AdvisoryRecord]:
    """One advisory per affected Composer package of an OSV record; withdrawn records give none.

    GitHub's records list one `affected` entry per branch of the same package, so the entries of one package are
    merged: one (id, product) row must carry every branch's range and fix.
    """
    if not isinstance(record, dict) or "id" not in record:
        raise ValueError("an OSV record without an id")
    if record.get("withdrawn"):
        return
    by_product: dict[str, list[dict[str, Any]]] = {}
    for affected in record.get("affected") or []:
        package = affected.get("package") or {}
        if not text_of(package.get("ecosystem")).startswith("Packagist") or not package.get("name"):
            continue
        by_product.setdefault(composer_product(package["name"]), []).append(affected)
    for product, entries in by_product.items():
        found = VersionRange(tuple(interval for affected in entries for interval in _range(affected).intervals))
        if found.empty:
            continue
        fixed = [version for affected in entries for version in _fixed(affected.get("ranges") or [])]
        fixed += [str(i.high) for i in found.intervals if i.high is not None and not i.high_inclusive]
        yield AdvisoryRecord(
            id=text_of(record["id"]),
            product=product,
            affected=str(found),
            title=text_of(record.get("summary")) or text_of(record.get("details"))[:200],
            severity=next((s for s in (_severity(record, a) for a in entries) if s), None),
            aliases=_aliases(record),
            fixed=tuple(dict.fromkeys(fixed)),
            link=_link(record.get("references") or []),
            published=parse_moment(record.get("published")),
        )


def _aliases(record: dict[str, Any]) -> tuple[str, ...]:
    """The record's aliases, plus drupal.org's name of a Drupal advisory (DRUPAL-CORE-2024-008 = SA-CORE-2024-008)."""
    aliases = [text_of(alias) for alias in record.get("aliases") or []]
    ident = text_of(record.get("id")).upper()
    if ident.startswith(("DRUPAL-CORE-", "DRUPAL-CONTRIB-")):
        aliases.append("SA-" + ident.removeprefix("DRUPAL-"))
    return tuple(dict.fromkeys(alias for alias in aliases if alias))


def _range(affected: dict[str, Any]) -> VersionRange:
    """The versions one `affected` entry covers; for drupal/core, Drupal 8+ from `ranges`, 7.x from the text.

    Drupal's advisory database writes drupal/core ranges from `introduced: 0`, which would reach Drupal 7; its 7.x
    ranges are only in `database_specific.affected_versions` (`>=7.0 <7.102 || >= 8.0.0 < 10.2.11`).
    """
    intervals: list[Interval] = []
    for span in affected.get("ranges") or []:
        if span.get("type") in ("ECOSYSTEM", "SEMVER"):
            intervals.extend(from_osv_events(span.get("events") or []).intervals)
    intervals.extend(from_osv_events([], affected.get("versions") or []).intervals)
    package = text_of((affected.get("package") or {}).get("name"))
    found = package_range(package, VersionRange(tuple(intervals)))
    specific = affected.get("database_specific")
    if package.lower() == "drupal/core" and isinstance(specific, dict) and specific.get("affected_versions"):
        found = VersionRange(found.intervals + drupal_7_range(text_of(specific["affected_versions"])).intervals)
    return found


def _fixed(ranges: Iterable[dict[str, Any]]) -> Iterator[str]:
    for span in ranges:
        for event in span.get("events") or []:
            if "fixed" in event:
                yield text_of(event["fixed"])


def _severity(record: dict[str, Any], affected: dict[str, Any]) -> str | None:
    for holder in (
        record.get("database_specific"),
        affected.get("database_specific"),
        affected.get("ecosystem_specific"),
    ):
        if isinstance(holder, dict) and holder.get("severity"):
            return normalise_severity(text_of(holder["severity"]))
    return None


VENDOR_PAGES = ("typo3.org/security/advisory", "drupal.org/sa-", "wordpress.org/news")


def _link(references: list[dict[str, Any]]) -> str | None:
    """The vendor's advisory page when one is referenced (it names TYPO3 extension keys), else the first advisory."""
    for reference in references:
        url = text_of(reference.get("url"))
        if any(page in url.lower() for page in VENDOR_PAGES):
            return url
    for wanted in ("ADVISORY", "WEB"):
        for reference in references:
            if reference.get("type") == wanted and reference.get("url"):
                return text_of(reference["url"])
    return None
