"""Drupal core and the contributed projects the fleet uses, from updates.drupal.org release-history XML."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from urllib.parse import quote
from xml.etree.ElementTree import Element, iterparse

from sitewarden.catalog.importers.base import ImportContext, Importer, Part, parse_moment
from sitewarden.catalog.records import CatalogRecord, ProductRecord, ReleaseRecord


class DrupalImporter(Importer):
    """Drupal: releases with their `Security update` / `Insecure` / `Unsupported` terms and supported branches."""

    source = "drupal"
    group = "core"
    default_url = "https://updates.drupal.org/release-history"

    def parts(self, context: ImportContext) -> list[Part]:
        base = self.url(context).rstrip("/")
        projects = ["drupal", *sorted(set(context.wanted.get("drupal", [])) - {"drupal"})]
        return [Part(project, f"{base}/{quote(project)}/current") for project in projects]

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        root: Element | None = None
        product = ""
        for event, element in iterparse(stream, events=("start", "end")):
            if event == "start":
                if root is None:
                    if element.tag != "project":
                        raise ValueError(f"expected <project>, found <{element.tag}>")
                    root = element
                continue
            if element.tag == "short_name" and element.text:
                product = _product(element.text.strip())
            elif element.tag == "release" and root is not None:
                if not product:
                    raise ValueError("a release came before the project's short_name")
                release = _release(product, element)
                if release is not None:
                    yield release
                element.clear()
        if root is None or not product:
            raise ValueError("no project in the release history")
        status = (root.findtext("project_status") or "published").strip()
        branches = tuple(b.strip() for b in (root.findtext("supported_branches") or "").split(",") if b.strip())
        yield ProductRecord(product=product, status=status, supported_branches=branches)


def _product(short_name: str) -> str:
    return "drupal" if short_name == "drupal" else f"drupal:{short_name}"


def _release(product: str, element: Element) -> ReleaseRecord | None:
    version = (element.findtext("version") or "").strip()
    if not version or (element.findtext("status") or "published").strip() != "published":
        return None
    types = {
        (term.findtext("value") or "").strip()
        for term in element.iter("term")
        if (term.findtext("name") or "").strip() == "Release type"
    }
    return ReleaseRecord(
        product=product,
        version=version,
        released=parse_moment(element.findtext("date")),
        kind="security" if "Security update" in types else "regular",
        insecure="Insecure" in types,
        state="unsupported" if "Unsupported" in types else None,
    )
