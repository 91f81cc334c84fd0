"""Site import: read and validate a CSV or YAML file of sites, then store them in one transaction."""

from __future__ import annotations

from pathlib import Path

from sitewarden.app.database import store_session
from sitewarden.config.models import Config
from sitewarden.results import utcnow
from sitewarden.sites_import import ImportReport, plan_import, read_rows
from sitewarden.store.sites import save_site_definition, site_definitions_list


def import_sites(config: Config, path: Path, *, dry_run: bool = False) -> ImportReport:
    """Read, validate and (unless a dry run) store the sites of a CSV or YAML file, all in one transaction."""
    rows = read_rows(path)
    with store_session(config.store.url) as connection:
        stored = {str(item.get("name")): item for item in site_definitions_list(connection)}
        report, to_save = plan_import(config, rows, stored)
        report.dry_run = dry_run
        if not dry_run:
            now = utcnow()
            for definition in to_save:
                save_site_definition(connection, definition, "import", now)
    return report
