"""TYPO3 extensions from the TER's extensions.xml(.gz): every version, its state and the review state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import iterparse

from sitewarden.catalog.importers.base import Importer, Part, parse_moment
from sitewarden.catalog.records import CatalogRecord, ReleaseRecord

INSECURE_REVIEW_STATE = "-1"
"""The TER marks a version the security team found vulnerable with review state -1."""


class TerImporter(Importer):
    """TYPO3 extension repository: extension versions, their state, and the versions marked insecure."""

    source = "ter"
    group = "extensions"
    default_url = "https://extensions.typo3.org/fileadmin/ter/extensions.xml.gz"

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        key = ""
        root = None
        for event, element in iterparse(stream, events=("start", "end")):
            if event == "start":
                if root is None:
                    if element.tag != "extensions":
                        raise ValueError(f"expected <extensions>, found <{element.tag}>")
                    root = element
                elif element.tag == "extension":
                    key = element.get("extensionkey", "")
                continue
            if element.tag == "version" and key:
                version = element.get("version", "").strip()
                if version:
                    yield ReleaseRecord(
                        product=f"ter:{key}",
                        version=version,
                        released=parse_moment(element.findtext("lastuploaddate")),
                        insecure=(element.findtext("reviewstate") or "").strip() == INSECURE_REVIEW_STATE,
                        state=(element.findtext("state") or "").strip() or None,
                    )
                element.clear()
            elif element.tag == "extension" and root is not None:
                root.clear()  # keeps memory flat: nothing of a finished extension stays in the tree
