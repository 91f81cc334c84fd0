"""The importer registry: source → class; `sitewarden import` and the daily refresh run from it."""

from __future__ import annotations

from collections.abc import Iterable

from sitewarden.catalog.importers.base import Importer
from sitewarden.catalog.importers.drupal import DrupalImporter
from sitewarden.catalog.importers.eol import EolImporter
from sitewarden.catalog.importers.osv import OsvImporter
from sitewarden.catalog.importers.packagist import PackagistImporter
from sitewarden.catalog.importers.ter import TerImporter
from sitewarden.catalog.importers.typo3 import Typo3Importer
from sitewarden.catalog.importers.wordfence import WordfenceImporter
from sitewarden.catalog.importers.wordpress import WordpressImporter
from sitewarden.catalog.importers.wordpress_plugins import WordpressPluginsImporter


def build_registry(classes: Iterable[type[Importer]]) -> dict[str, type[Importer]]:
    """Map source → class, refusing a duplicate source at import time."""
    registry: dict[str, type[Importer]] = {}
    for cls in classes:
        if cls.source in registry:
            raise RuntimeError(f"catalogue source {cls.source!r} registered twice")
        registry[cls.source] = cls
    return registry


IMPORTERS: dict[str, type[Importer]] = build_registry(
    (
        Typo3Importer,
        TerImporter,
        WordpressImporter,
        WordpressPluginsImporter,
        DrupalImporter,
        EolImporter,
        OsvImporter,
        PackagistImporter,
        WordfenceImporter,
    )
)
GROUPS = ("core", "extensions", "advisories", "eol")
