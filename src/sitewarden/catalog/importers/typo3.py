"""TYPO3 core releases and majors from the get.typo3.org API (release type, ELTS flag, maintenance dates)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

import ijson

from sitewarden.catalog.importers.base import ImportContext, Importer, Part, parse_day, parse_moment, text_of
from sitewarden.catalog.records import BranchRecord, CatalogRecord, ReleaseRecord

KINDS = {"security": "security", "development": "development", "regular": "regular", "release": "regular"}


class Typo3Importer(Importer):
    """TYPO3 core: every release with its type (security / regular) and every major with its support dates."""

    source = "typo3"
    group = "core"
    default_url = "https://get.typo3.org"

    def parts(self, context: ImportContext) -> list[Part]:
        base = self.url(context).rstrip("/")
        return [Part("major", f"{base}/api/v1/major/"), Part("release", f"{base}/api/v1/release/")]

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        for item in ijson.items(stream, "item"):
            if part.name == "major":
                yield _major(item)
            else:
                yield _release(item)


def _major(item: dict[str, Any]) -> BranchRecord:
    number = item["version"]
    if isinstance(number, float | Decimal) and number == int(number):
        number = int(number)
    return BranchRecord(
        product="typo3",
        branch=str(number),
        released=parse_day(item.get("release_date")),
        support_until=parse_day(item.get("regular_maintenance_until")),
        security_until=parse_day(item.get("maintained_until")),
        elts_until=parse_day(item.get("elts_until")),
        lts=item.get("lts") is not None,
    )


def _release(item: dict[str, Any]) -> ReleaseRecord:
    version = text_of(item["version"])
    if not version:
        raise ValueError("a release without a version")
    return ReleaseRecord(
        product="typo3",
        version=version,
        released=parse_moment(item.get("date")),
        kind=KINDS.get(text_of(item.get("type")).lower(), "regular"),
        elts=bool(item.get("elts")),
    )
