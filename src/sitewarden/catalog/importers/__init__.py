"""The importer registry: source → class; `sitewarden import` and the daily refresh run from it."""

from __future__ import annotations

from sitewarden.catalog.importers.base import Importer
from sitewarden.catalog.importers.drupal import DrupalImporter
from sitewarden.catalog.importers.eol import EolImporter
from sitewarden.catalog.importers.extension_keys import ExtensionKeysImporter
from sitewarden.catalog.importers.osv import OsvImporter
from sitewarden.catalog.importers.packagist import PackagistImporter
from sitewarden.catalog.importers.rdap import RdapImporter
from sitewarden.catalog.importers.ter import TerImporter
from sitewarden.catalog.importers.typo3 import Typo3Importer
from sitewarden.catalog.importers.wordfence import WordfenceImporter
from sitewarden.catalog.importers.wordpress import WordpressImporter
from sitewarden.catalog.importers.wordpress_plugins import WordpressPluginsImporter
from sitewarden.registry import build_registry

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
        ExtensionKeysImporter,
        RdapImporter,
    ),
    "catalogue importer",
    key="source",
)

GROUPS = ("core", "extensions", "advisories", "eol", "domains")
