"""Packagist's security-advisories API (what `composer audit` reads): FriendsOfPHP and GitHub advisories.

With `--from`, a FriendsOfPHP/security-advisories checkout (`<vendor>/<package>/<id>.yaml`) is read as well: one
YAML advisory per file, its `branches` each a list of constraints that must all hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import quote

import ijson
import yaml

from sitewarden.catalog.importers.base import ImportContext, Importer, Part, parse_moment, text_of
from sitewarden.catalog.ranges import Interval, VersionRange, from_constraint_list, package_range, parse_constraint
from sitewarden.catalog.records import (
    TYPO3_SYSTEM_PACKAGES,
    AdvisoryRecord,
    CatalogRecord,
    composer_product,
    normalise_severity,
)

PACKAGES = (
    "typo3/cms-core",
    "typo3/cms",
    "drupal/core",
    "drupal/drupal",
    "johnpbloch/wordpress-core",
    "joomla/joomla-cms",
    *TYPO3_SYSTEM_PACKAGES,
)
MAX_YAML = 1024 * 1024
_VENDOR_ID = re.compile(r"\b((?:TYPO3-(?:CORE|EXT|PSA)-SA|SA-CORE|SA-CONTRIB|DRUPAL-[A-Z]+)-\d{4}-\d+)", re.IGNORECASE)


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
        head = stream.read(64).lstrip()
        stream.seek(0)
        if not head.startswith(b"{"):
            advisory = friendsofphp_advisory(stream.read(MAX_YAML), part.name)
            if advisory is not None:
                yield advisory
            return
        for package, advisories in ijson.kvitems(stream, "advisories"):
            for advisory in advisories:
                yield _advisory(package, advisory)


def friendsofphp_advisory(text: bytes, name: str) -> AdvisoryRecord | None:
    """One FriendsOfPHP YAML advisory: `reference: composer://vendor/package`, `branches.*.versions` constraints.

    None when no version of the product remains (a Drupal 8+ range filed without bounds, cut away).
    """
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or "reference" not in document or "branches" not in document:
        raise ValueError(f"{name} is no FriendsOfPHP advisory (reference and branches expected)")
    package = text_of(document["reference"]).removeprefix("composer://")
    intervals: list[Interval] = []
    for branch in (document.get("branches") or {}).values():
        versions = (branch or {}).get("versions") or []
        intervals.extend(from_constraint_list([text_of(v) for v in versions]).intervals)
    if not intervals:
        raise ValueError(f"{name}: no affected versions")
    affected = package_range(package, VersionRange(tuple(intervals)))
    if affected.empty:
        return None
    title = text_of(document.get("title"))
    cve = text_of(document.get("cve"))
    found = _VENDOR_ID.search(title) or _VENDOR_ID.search(text_of(document.get("link")).rsplit("/", 1)[-1])
    vendor = found.group(1).upper() if found else ""
    # One vendor advisory (TYPO3-EXT-SA-2026-011) can be filed as one file per CVE with different ranges: the CVE
    # keeps each file its own record, the vendor id (an alias) lists them as one advisory.
    ident = cve or vendor or name.rsplit("/", 1)[-1]
    fixed = [str(interval.high) for interval in affected.intervals if interval.high and not interval.high_inclusive]
    return AdvisoryRecord(
        id=ident,
        product=composer_product(package),
        affected=str(affected),
        title=title,
        aliases=tuple(alias for alias in (vendor, cve) if alias and alias != ident),
        fixed=tuple(fixed),
        link=text_of(document.get("link")) or None,
        published=_first_time(document.get("branches") or {}),
    )


def _first_time(branches: dict[str, Any]) -> Any:
    times = [parse_moment(str(branch.get("time"))) for branch in branches.values() if isinstance(branch, dict)]
    found = [moment for moment in times if moment is not None]
    return min(found) if found else None


def _advisory(package: str, advisory: dict[str, Any]) -> AdvisoryRecord:
    ident = text_of(advisory.get("advisoryId"))
    constraint = text_of(advisory.get("affectedVersions"))
    if not ident or not constraint:
        raise ValueError(f"an advisory of {package} without an id or affected versions")
    affected = package_range(text_of(advisory.get("packageName")) or package, parse_constraint(constraint))
    vendor = _VENDOR_ID.search(text_of(advisory.get("title"))) or _VENDOR_ID.search(
        text_of(advisory.get("link")).rsplit("/", 1)[-1]
    )
    remote = [text_of(source.get("remoteId")) for source in advisory.get("sources") or []]
    aliases = [vendor.group(1).upper() if vendor else "", text_of(advisory.get("cve"))]
    aliases += [name for name in remote if "/" not in name]  # FriendsOfPHP's remote id is a file path
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
