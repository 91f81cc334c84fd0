"""Catalogue use cases: import (then judge the fleet again), the open advisories, the verdicts beside the status."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sitewarden.app.catalog_refresh import import_and_assess
from sitewarden.app.catalog_writer import ImportSummary, Progress
from sitewarden.app.database import store_session
from sitewarden.catalog.summary import SiteVerdict, site_verdicts
from sitewarden.catalog.verdicts import open_advisories
from sitewarden.config.models import Config
from sitewarden.errors import NotFound
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.database import open_database


def run_import(
    config: Config, what: str, local: Path | None, force: bool, progress: Progress | None = None
) -> tuple[ImportSummary, int]:
    """Import (`progress` hears each part's record count); returns the summary and how many verdicts changed."""
    database = open_database(config.store.url)
    try:
        return asyncio.run(import_and_assess(config, database, what, local=local, force=force, progress=progress))
    finally:
        database.close()


def read_advisories(config: Config, site: str | None) -> list[dict[str, Any]]:
    """Open advisories across the fleet (or one site), most severe first; an unjudged named site is NotFound."""
    with store_session(config.store.url) as connection:
        rows = assessment_rows(connection, site)
    if site is not None and not rows:
        raise NotFound(
            f"no assessments for a site named '{site}'", hint="run an inventory check and `sitewarden import`"
        )
    return open_advisories(rows)


def status_verdicts(config: Config, rows: list[dict[str, Any]]) -> dict[str, SiteVerdict]:
    """The worst verdict of each site among `sitewarden status` rows, also set on those rows as `verdict`.

    Only sites with stored verdicts (an inventory was judged) get one; the exit status stays the checks' alone.
    """
    sites = {row["site"] for row in rows if row.get("site")}
    if not sites:
        return {}
    with store_session(config.store.url) as connection:
        stored = assessment_rows(connection, next(iter(sites)) if len(sites) == 1 else None)
    summaries = site_verdicts(row for row in stored if row["site"] in sites)
    for row in rows:
        summary = summaries.get(row.get("site") or "")
        if summary is not None:
            row["verdict"] = summary.verdict
    return summaries
