"""IANA's RDAP bootstrap for domains (RFC 9224): which RDAP server answers for each TLD, for `domain` checks.

Kept in the catalogue as one product fact per TLD (`rdap:<tld>`, the server's base URL as its `reason`), so it is
imported, cached and refreshed like every other source; no inventory item is ever named `rdap:…`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from sitewarden.catalog.importers.base import Importer, Part
from sitewarden.catalog.records import CatalogRecord, ProductRecord

PREFIX = "rdap:"
MAX_DOCUMENT = 8 * 1024 * 1024


class RdapImporter(Importer):
    """IANA RDAP bootstrap: the RDAP base URL of each top-level domain."""

    source = "rdap"
    group = "domains"
    default_url = "https://data.iana.org/rdap/dns.json"

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        document = json.loads(stream.read(MAX_DOCUMENT))
        services = document.get("services") if isinstance(document, dict) else None
        if not isinstance(services, list) or not services:
            raise ValueError("the RDAP bootstrap lists no services")
        for service in services:
            if not (isinstance(service, list) and len(service) == 2):
                raise ValueError("an RDAP bootstrap service is not a pair of lists")
            tlds, urls = service
            url = _preferred([str(item) for item in urls])
            if url is None:
                continue
            for tld in tlds:
                yield ProductRecord(product=PREFIX + str(tld).lower().strip("."), reason=url)


def _preferred(urls: list[str]) -> str | None:
    """The https URL when the service lists several (RFC 9224 says clients should prefer it)."""
    secure = [url for url in urls if url.startswith("https://")]
    chosen = secure or urls
    return chosen[0] if chosen else None
