"""Site import: read and validate a file of sites (ours, timon, pmon, t3monitoring), then store it at once."""

from __future__ import annotations

from pathlib import Path

from sitewarden.app.database import store_session
from sitewarden.config.models import Config
from sitewarden.results import utcnow
from sitewarden.sites_import import ImportReport, drop_reserved_checks, plan_import, read_file
from sitewarden.store.sites import save_site_definition, site_definitions_list


def import_sites(config: Config, path: Path, *, dry_run: bool = False, file_format: str | None = None) -> ImportReport:
    """Read, validate and (unless a dry run) store the sites of a file, all in one transaction.

    `file_format` is `sitewarden` (CSV or YAML), `timon`, `pmon`, `t3monitoring-csv` or `t3monitoring-sql`; without
    it the content decides.
    """
    found, translation = read_file(path, file_format)
    if found != "sitewarden":
        drop_reserved_checks(translation, config.web.api_sites.policy())
    with store_session(config.store.url) as connection:
        stored = {str(item.get("name")): item for item in site_definitions_list(connection)}
        report, to_save = plan_import(config, translation.rows, stored)
        report.dry_run = dry_run
        report.format, report.unsupported, report.targets = found, translation.unsupported, translation.targets
        if not dry_run:
            now = utcnow()
            for definition in to_save:
                save_site_definition(connection, definition, "import", now)
    return report
