"""WordPress core: the stable-check list (every release as latest, outdated or insecure) and the release list.

The stable-check answer names every release and its status but no dates; the release list (endoflife-date's
`releases/wordpress.json`, every version with its date) adds the releases of each branch, so 6.1.9 is told that
6.1.12 is the newest release of its branch. A downloaded file is recognised by its content, not by its name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from sitewarden.catalog.importers.base import ImportContext, Importer, Part, text_of
from sitewarden.catalog.importers.eol import release_list
from sitewarden.catalog.records import CatalogRecord, ProductRecord, ReleaseRecord

STATUSES = ("latest", "outdated", "insecure")
RELEASES_URL = "https://raw.githubusercontent.com/endoflife-date/release-data/main/releases/wordpress.json"
MAX_DOCUMENT = 16 * 1024 * 1024


class WordpressImporter(Importer):
    """WordPress core: which releases are latest, outdated or insecure (api.wordpress.org stable-check), and dates."""

    source = "wordpress"
    group = "core"
    default_url = "https://api.wordpress.org/core/stable-check/1.0/"

    def parts(self, context: ImportContext) -> list[Part]:
        return [Part("stable-check", self.url(context)), Part("releases", RELEASES_URL)]

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        document = json.loads(stream.read(MAX_DOCUMENT))
        if not isinstance(document, dict):
            raise ValueError("expected a JSON object")
        if isinstance(document.get("versions"), dict):
            yield from release_list("wordpress", document)
            return
        yield from _stable_check(document)


def _stable_check(document: dict[str, Any]) -> Iterator[CatalogRecord]:
    latest = None
    for version, status in document.items():
        word = text_of(status).lower()
        if word not in STATUSES:
            raise ValueError(f"release {version} has an unknown status {status!r}")
        if word == "latest":
            latest = version
        yield ReleaseRecord(product="wordpress", version=version, insecure=word == "insecure", state=word)
    if latest is None:
        raise ValueError("no release is marked latest")
    yield ProductRecord(product="wordpress", latest=latest)
