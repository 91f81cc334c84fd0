"""WordPress plugins the fleet uses, from the plugin information API: latest version, releases, closed plugins."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO
from urllib.parse import quote

from sitewarden.catalog.importers.base import ImportContext, Importer, Part, text_of
from sitewarden.catalog.records import CatalogRecord, ProductRecord, ReleaseRecord

MAX_ANSWER = 16 * 1024 * 1024


class WordpressPluginsImporter(Importer):
    """WordPress plugins in use: latest version and releases; a plugin closed for a security issue is insecure."""

    source = "wordpress_plugins"
    group = "extensions"
    default_url = "https://api.wordpress.org/plugins/info/1.2/"
    accepts_not_found = True

    def parts(self, context: ImportContext) -> list[Part]:
        base = self.url(context)
        query = "?action=plugin_information&request[fields][sections]=0&request[fields][versions]=1&request[slug]="
        return [Part(slug, f"{base}{query}{quote(slug)}") for slug in sorted(set(context.wanted.get("wp-plugin", [])))]

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        answer = json.loads(stream.read(MAX_ANSWER))
        if not isinstance(answer, dict):
            raise ValueError("expected a JSON object")
        slug = text_of(answer.get("slug")) or part.name
        product = f"wp-plugin:{slug}"
        if answer.get("error"):
            if answer.get("closed") or answer.get("error") == "closed":
                reason = text_of(answer.get("reason")) or "closed"
                status = "insecure" if reason == "security-issue" else "closed"
                yield ProductRecord(product=product, status=status, reason=text_of(answer.get("reason_text")) or reason)
            return  # "Plugin not found.": not in the directory, so its verdict stays unknown
        latest = text_of(answer.get("version"))
        if not latest:
            raise ValueError(f"plugin {slug} has no version")
        yield ProductRecord(product=product, latest=latest)
        versions = answer.get("versions") or {}
        for version in versions if isinstance(versions, dict) else ():
            if version != "trunk":
                yield ReleaseRecord(product=product, version=str(version))
        if latest not in versions:
            yield ReleaseRecord(product=product, version=latest)
