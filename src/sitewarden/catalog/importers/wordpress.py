"""WordPress core releases from the stable-check API: every release as latest, outdated or insecure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import ijson

from sitewarden.catalog.importers.base import Importer, Part, text_of
from sitewarden.catalog.records import CatalogRecord, ProductRecord, ReleaseRecord

STATUSES = ("latest", "outdated", "insecure")


class WordpressImporter(Importer):
    """WordPress core: which releases are latest, outdated or insecure (api.wordpress.org stable-check)."""

    source = "wordpress"
    group = "core"
    default_url = "https://api.wordpress.org/core/stable-check/1.0/"

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        latest = None
        for version, status in ijson.kvitems(stream, ""):
            word = text_of(status).lower()
            if word not in STATUSES:
                raise ValueError(f"release {version} has an unknown status {status!r}")
            if word == "latest":
                latest = version
            yield ReleaseRecord(product="wordpress", version=version, insecure=word == "insecure", state=word)
        if latest is None:
            raise ValueError("no release is marked latest")
        yield ProductRecord(product="wordpress", latest=latest)
