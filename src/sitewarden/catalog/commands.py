"""`sitewarden import` and `sitewarden advisories`: a progress bar while importing, tables afterwards."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitewarden.catalog.refresh import import_and_assess
from sitewarden.catalog.verdicts import open_advisories
from sitewarden.catalog.writer import ImportSummary
from sitewarden.config.models import Config
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
