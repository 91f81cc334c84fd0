"""Judge any product version against the imported catalogue, by the same path a monitored site's items take."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sitewarden.app.assessments import judge_items
from sitewarden.app.database import store_session
from sitewarden.catalog.assess import Assessment, Item
from sitewarden.catalog.records import composer_product
from sitewarden.catalog.verdicts import Judging
from sitewarden.errors import SitewardenError

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from sitewarden.catalog.settings import CatalogSettings
    from sitewarden.config.models import Config

CORES = ("typo3", "wordpress", "drupal", "joomla")
DATABASES = ("mysql", "mariadb", "postgresql")
PREFIX_KINDS = {
    "ter:": "extension",
    "composer:": "package",
    "wp-plugin:": "plugin",
    "wp-theme:": "theme",
    "drupal:": "module",
}


def item_for(product: str, version: str) -> Item:
    """The inventory item a `PRODUCT VERSION` pair stands for (`typo3`, `ter:news`, `typo3/cms-core`, `php`)."""
    name = product.strip().lower()
    if not name:
        raise SitewardenError("no product given", hint="e.g. typo3, drupal, wordpress, php, ter:news")
    if not version.strip():
        raise SitewardenError("no version given", hint="e.g. sitewarden verdict typo3 12.4.10")
    if "/" in name and ":" not in name:
        name = composer_product(name)
    elif name.startswith("composer:") and "/" in name:
        name = composer_product(name.removeprefix("composer:"))  # composer:typo3/cms-form is the TYPO3 core
    for prefix, kind in PREFIX_KINDS.items():
        if name.startswith(prefix) and len(name) > len(prefix):
            return Item(kind, name[len(prefix) :], name, version.strip(), source="manual")
    if name in CORES:
        return Item("core", name, name, version.strip(), source="manual")
    if name == "php":
        return Item("php", "php", "php", version.strip(), source="manual")
    if name in DATABASES:
        return Item("database", name, name, version.strip(), source="manual")
    return Item("server", name, name, version.strip(), source="manual")


def parse_day(text: str | None) -> date | None:
    """A `--date` / `?date=` argument: an ISO day, or None for today."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise SitewardenError(f"not a date: {text!r}", hint="e.g. --date 2026-08-10") from None


def judge_in(
    connection: Connection, product: str, version: str, settings: CatalogSettings | None, today: date | None = None
) -> Assessment:
    """Judge one version inside the caller's transaction (the API's), with the `catalog:` settings."""
    return judge_items(connection, [item_for(product, version)], Judging.from_settings(settings), today)[0]


def judge_version(config: Config, product: str, version: str, today: date | None = None) -> Assessment:
    """The verdict, branch, support, advisories, fixing version and upgrade of one version."""
    item_for(product, version)  # a wrong argument is reported before the store is opened
    with store_session(config.store.url) as connection:
        return judge_in(connection, product, version, config.catalog, today)
