"""Records of one advisory id for one product in one import part merge into one, so no file's range is lost.

FriendsOfPHP files TYPO3-CORE-SA-2018-006 for `typo3/cms` (with 7.x) and for `typo3/cms-core` (8.x and 9.x only);
both stand for the product `typo3`, and the store keeps one row per (id, product): without merging, the later file
would replace the earlier one and 7.6 would no longer be covered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from sitewarden.catalog.ranges import VersionRange, parse_constraint
from sitewarden.catalog.records import AdvisoryRecord, CatalogRecord


def merged_records(records: Iterable[CatalogRecord]) -> Iterator[CatalogRecord]:
    """Every record, advisories last and one per (id, product); advisories are few, so they are held to the end."""
    advisories: dict[tuple[str, str], AdvisoryRecord] = {}
    for record in records:
        if not isinstance(record, AdvisoryRecord):
            yield record
            continue
        key = (record.id, record.product)
        advisories[key] = merged_advisory(advisories[key], record) if key in advisories else record
    yield from advisories.values()


def merged_advisory(first: AdvisoryRecord, second: AdvisoryRecord) -> AdvisoryRecord:
    """One record covering both records' ranges, with both records' aliases and fixed versions."""
    try:
        intervals = parse_constraint(first.affected).intervals + parse_constraint(second.affected).intervals
        affected = str(VersionRange(tuple(dict.fromkeys(intervals))))
    except ValueError:
        affected = second.affected
    return replace(
        first,
        affected=affected,
        title=first.title or second.title,
        severity=first.severity or second.severity,
        aliases=tuple(dict.fromkeys((*first.aliases, *second.aliases))),
        fixed=tuple(dict.fromkeys((*first.fixed, *second.fixed))),
        link=first.link or second.link,
        published=min((m for m in (first.published, second.published) if m is not None), default=None),
    )
