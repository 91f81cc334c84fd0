"""`sitewarden import` and `sitewarden advisories`: a progress bar while importing, tables afterwards."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitewarden.catalog.refresh import import_and_assess
from sitewarden.catalog.summary import SiteVerdict, site_verdicts
from sitewarden.catalog.verdicts import open_advisories
from sitewarden.catalog.writer import ImportSummary
from sitewarden.config.models import Config
from sitewarden.console import verdict_text
from sitewarden.errors import NotFound
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.database import open_database


def run_import(config: Config, what: str, local: Path | None, force: bool, console: Console) -> int:
    """Import with a live progress line per part; print what changed; exit 3 when a part failed."""
    database = open_database(config.store.url)
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed} records"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(label: str, count: int) -> None:
                if label not in tasks:
                    tasks[label] = bar.add_task(label, total=None)
                bar.update(tasks[label], completed=count)

            summary, changed = asyncio.run(
                import_and_assess(config, database, what, local=local, force=force, progress=progress)
            )
    finally:
        database.close()
    console.print(summary_table(summary))
    totals = summary.totals()
    console.print(
        f"added {totals['added']}, changed {totals['changed']}, removed {totals['removed']}; "
        f"{changed} verdict{'s' if changed != 1 else ''} changed",
        highlight=False,
    )
    return 3 if summary.failed else 0


def summary_table(summary: ImportSummary) -> Table:
    table = Table("source", "part", "result", "added", "changed", "removed", "records")
    for outcome in summary.outcomes:
        changes = outcome.changes
        result = outcome.status if outcome.error is None else f"failed: {outcome.error}"
        numbers = [changes.added, changes.changed, changes.removed, changes.total]
        cells = [str(n) for n in numbers] if outcome.status == "changed" else ["", "", "", ""]
        table.add_row(outcome.source, outcome.part, result, *cells)
    if not summary.outcomes:
        table.add_row("-", "-", "nothing to import", "", "", "", "")
    return table


def show_advisories(config: Config, site: str | None, console: Console) -> int:
    """Open advisories across the fleet (or one site), most severe first; exit 2 when any is open."""
    database = open_database(config.store.url)
    try:
        with database.transaction() as connection:
            rows = assessment_rows(connection, site)
    finally:
        database.close()
    if site is not None and not rows:
        raise NotFound(
            f"no assessments for a site named '{site}'", hint="run an inventory check and `sitewarden import`"
        )
    lines = open_advisories(rows)
    table = Table("severity", "advisory", "site", "item", "installed", "fixed in", "title")
    for line in lines:
        aliases = ", ".join(line.get("aliases") or [])
        ident = f"{line['id']} ({aliases})" if aliases else line["id"]
        table.add_row(
            line.get("severity") or "-",
            ident,
            line["site"],
            line["item"],
            line.get("version") or "?",
            line.get("fixed_version") or "-",
            line.get("title") or "",
        )
    console.print(table if lines else "no open advisories")
    return 2 if lines else 0


def status_verdicts(config: Config, rows: list[dict[str, Any]]) -> dict[str, SiteVerdict]:
    """The worst verdict of each site among `sitewarden status` rows, also set on those rows as `verdict`.

    Only sites with stored verdicts (an inventory was judged) get one; the exit status stays the checks' alone.
    """
    sites = {row["site"] for row in rows if row.get("site")}
    if not sites:
        return {}
    database = open_database(config.store.url)
    try:
        with database.transaction() as connection:
            stored = assessment_rows(connection, next(iter(sites)) if len(sites) == 1 else None)
    finally:
        database.close()
    summaries = site_verdicts(row for row in stored if row["site"] in sites)
    for row in rows:
        summary = summaries.get(row.get("site") or "")
        if summary is not None:
            row["verdict"] = summary.verdict
    return summaries


def verdicts_table(summaries: dict[str, SiteVerdict]) -> Table:
    """One line per judged site under the status table: worst verdict, how many items carry it, advisories."""
    table = Table(title="inventory verdicts (not part of the exit status; see `sitewarden advisories`)", expand=False)
    for column in ("site", "worst verdict", "items", "advisories", "severity"):
        table.add_column(column, overflow="fold")
    for summary in summaries.values():
        total = sum(summary.counts.values())
        table.add_row(
            summary.site,
            verdict_text(summary.verdict),
            f"{summary.items} of {total}",
            ", ".join(summary.advisories) or "-",
            summary.severity or "-",
        )
    return table
