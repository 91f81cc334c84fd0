"""When and what to import: the sources a config selects, what the fleet uses, and the daemon's daily refresh."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

from sitewarden.app.assessments import reassess_fleet
from sitewarden.app.catalog_writer import ImportSummary, Progress, run_imports
from sitewarden.catalog.identity import linked_products
from sitewarden.catalog.importers import GROUPS, IMPORTERS
from sitewarden.catalog.importers.base import ImportContext, Importer
from sitewarden.catalog.settings import CatalogSettings
from sitewarden.catalog.verdicts import Judging
from sitewarden.config.models import Config
from sitewarden.errors import CatalogError
from sitewarden.results import utcnow
from sitewarden.store.catalog import last_import
from sitewarden.store.database import Database

logger = logging.getLogger(__name__)


def select_importers(settings: CatalogSettings, what: str) -> list[Importer]:
    """The importers of a group (`core`, `extensions`, `advisories`, `eol`), of one source, or all configured."""
    if what == "all":
        names = list(settings.sources)
        if settings.wordfence_api_key is not None and "wordfence" not in names:
            names.append("wordfence")
    elif what in GROUPS:
        names = [name for name in settings.sources if IMPORTERS[name].group == what]
        if what == "advisories" and settings.wordfence_api_key is not None and "wordfence" not in names:
            names.append("wordfence")
    elif what in IMPORTERS:
        names = [what]
    else:
        choices = ", ".join([*GROUPS, "all", *IMPORTERS])
        raise CatalogError(f"'{what}' is no catalogue group or source", hint=f"use one of {choices}")
    return [IMPORTERS[name]() for name in names]


def build_context(settings: CatalogSettings, database: Database, local: Path | None = None) -> ImportContext:
    """Sources' settings plus what the fleet's stored inventories use (plugins, Drupal projects, Composer packages).

    TYPO3 extension keys are asked for under their Composer names (config mappings, then imported ones), so the
    packagist source fetches the advisories of the extensions the fleet actually runs.
    """
    wanted: dict[str, list[str]] = {"wp-plugin": [], "drupal": [], "composer": []}
    if settings.eol_products:
        wanted["eol"] = list(settings.eol_products)
    from sitewarden.store.catalog import alias_facts
    from sitewarden.store.inventory import latest_snapshots

    with database.transaction() as connection:
        snapshots = latest_snapshots(connection)
        facts = alias_facts(connection)
    keys = dict(settings.extension_keys)
    for stored in snapshots:
        snapshot = stored.snapshot
        for component in snapshot.components:
            if snapshot.cms == "wordpress" and component.kind == "plugin":
                wanted["wp-plugin"].append(component.key)
            elif snapshot.cms == "drupal" and component.kind in ("module", "theme"):
                wanted["drupal"].append(component.key)
                wanted["composer"].append(f"drupal/{component.key}")
            elif snapshot.cms == "typo3" and component.kind == "extension":
                linked = linked_products(f"ter:{component.key}", facts, keys)
                wanted["composer"] += [
                    name.removeprefix("composer:") for name in linked if name.startswith("composer:")
                ]
    wanted["composer"] += list(keys.values())
    wanted["composer"] = sorted(set(wanted["composer"]))
    secrets = {}
    if settings.wordfence_api_key is not None:
        secrets["wordfence"] = settings.wordfence_api_key.get_secret_value()
    if local is not None and not local.exists():
        raise CatalogError(f"{local} does not exist", hint="--from takes a downloaded file or a folder of them")
    return ImportContext(wanted=wanted, urls=dict(settings.urls), secrets=secrets, local=local)


async def import_and_assess(
    config: Config,
    database: Database,
    what: str = "all",
    *,
    local: Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> tuple[ImportSummary, int]:
    """Import, then judge the fleet again when anything changed; returns the summary and the changed verdicts."""
    importers = select_importers(config.catalog, what)
    context = build_context(config.catalog, database, local)
    summary = await run_imports(database, importers, context, progress=progress, force=force)
    changed = 0
    if any(outcome.status == "changed" for outcome in summary.outcomes):
        changed = await asyncio.to_thread(reassess_fleet, database, None, Judging.from_settings(config.catalog))
    return summary, changed


async def refresh_due(config: Config, database: Database) -> ImportSummary | None:
    """Import the configured sources whose last import is older than `catalog.refresh`; None when none is due."""
    settings = config.catalog
    limit = utcnow() - timedelta(seconds=settings.refresh)
    with database.transaction() as connection:
        due = [name for name in settings.sources if (last_import(connection, name) or limit) <= limit]
    if not due:
        return None
    summary = ImportSummary()
    for name in due:
        part, _ = await import_and_assess(config, database, name)
        summary.outcomes.extend(part.outcomes)
    logger.info("catalogue refreshed sources=%s failed=%d", ",".join(due), len(summary.failed))
    return summary


async def refresh_forever(config: Config, database: Database, stop: asyncio.Event, every: float = 600.0) -> None:
    """The daemon's task: check every few minutes whether a source is due; a failure is logged, never fatal."""
    while not stop.is_set():
        try:
            await refresh_due(config, database)
        except Exception:
            logger.exception("catalogue refresh failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
        except TimeoutError:
            continue
