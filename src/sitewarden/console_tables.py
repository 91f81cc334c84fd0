"""Terminal tables for the catalogue and inventory commands: import summaries, advisories, verdicts, inventories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitewarden.acceptance import is_accepted, site_worst
from sitewarden.app.catalog_writer import ImportSummary
from sitewarden.app.inventory import Verdicts
from sitewarden.catalog.assess import FINGERPRINT_CAVEAT
from sitewarden.catalog.summary import SiteVerdict, advisory_ids, update_to
from sitewarden.catalog.verdicts import snapshot_items
from sitewarden.console import verdict_text

if TYPE_CHECKING:  # the snapshot rows app/inventory.py returns; type-only, the CLI never touches the store
    from sitewarden.store.inventory import StoredSnapshot


def fleet_table(rows: list[dict[str, Any]]) -> Table:
    """Sites matching a fleet query: matched item, version, verdict (an accepted one marked), groups, status."""
    table = Table("site", "item", "version", "verdict", "groups", "status", box=None)
    for row in rows:
        verdict = verdict_text(row["verdict"]) if row["verdict"] else ""
        if row["verdict"] and row.get("accepted"):
            verdict += f" (accepted until {row['accepted_until']})"
        table.add_row(row["site"], row["item"] or "", row["version"] or "", verdict, ", ".join(row["groups"]),
                      row["status"] or "")  # fmt: skip
    return table


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


def advisories_table(lines: list[dict[str, Any]]) -> Table:
    """`sitewarden advisories`: one row per open advisory and site item."""
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
    return table


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


def inventory_json(found: list[StoredSnapshot], verdicts: Verdicts | None = None) -> list[dict[str, Any]]:
    """Each snapshot as stored, plus the site's worst verdict and one entry per judged item."""
    entries = []
    for stored in found:
        entry = stored.as_dict()
        own = (verdicts or {}).get(stored.site or "", {})
        entry["verdict"] = site_worst(own.values())
        entry["assessments"] = [_assessment(row) for row in own.values()]
        entries.append(entry)
    return entries


def _assessment(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": row["item_kind"],
        "key": row["item_key"],
        "product": row["product"],
        "version": row["version"],
        "verdict": row["verdict"],
        "update_to": update_to(row),
        "fixed_version": row["fixed_version"],
        "latest": row["latest"],
        "advisories": advisory_ids(row),
        "summary": row["summary"],
        **{name: row.get(name) for name in ("branch", "support", "branch_latest", "upgrade", "fix_upgrade", "caveat")},
        "accepted": is_accepted(row),
    }


def inventory_tables(found: list[StoredSnapshot], *, components: bool, verdicts: Verdicts | None = None) -> Group:
    """One overview table; with `components` (one site asked for) a table of judged items per snapshot too."""
    overview = Table(title="inventory", expand=False)
    for column in ("site", "check", "cms", "version", "php", "database", "web server", "items", "verdict", "seen"):
        overview.add_column(column, overflow="fold")
    parts: list[Any] = [overview]
    for stored in found:
        snap = stored.snapshot
        own = (verdicts or {}).get(stored.site or "", {})
        version = snap.cms_version or ""
        if version and snap.cms_version_precision in ("major", "minor"):
            version += f" ({snap.cms_version_precision} only)"
        database = " ".join(part for part in (snap.database_kind, snap.database_version) if part)
        overview.add_row(
            stored.site or "-",
            stored.check,
            snap.cms or "-",
            version or "-",
            snap.php_version or "-",
            database or "-",
            snap.web_server or "-",
            str(len(snap.components)),
            verdict_text(site_worst(own.values())),
            stored.last_seen_at.isoformat(timespec="seconds"),
        )
        if components and (snap.components or own):
            parts.append(_items_table(stored, own))
    return Group(*parts)


def _items_table(stored: StoredSnapshot, own: dict[tuple[str, str], dict[str, Any]]) -> Table:
    """Core, PHP, database and every component with its verdict, what to update to, and the advisories."""
    snap = stored.snapshot
    table = Table(title=f"{stored.site or '-'}/{stored.check}: components", expand=False)
    columns = ("kind", "key", "version", "active", "verdict", "branch", "update to", "upgrade", "advisories", "title")
    for column in (*columns, "source"):
        table.add_column(column, overflow="fold")
    noted = False
    components = {component.ident: component for component in snap.items()}
    for item in snapshot_items(snap):
        component = components.get((item.kind, item.key))
        row = own.get((item.kind, item.key))
        active = "" if component is None or component.active is None else ("yes" if component.active else "no")
        source = component.origin.source if component is not None and component.origin else ""
        caveat = bool(row and row.get("caveat"))
        noted = noted or caveat
        table.add_row(
            item.kind,
            item.key,
            (item.version or "") + (" *" if caveat else ""),
            active,
            verdict_text(row["verdict"] if row else None) + (" (accepted)" if row and is_accepted(row) else ""),
            _branch(row),
            (update_to(row) or "") if row else "",
            row["upgrade"] if row and row.get("upgrade") not in (None, "none") else "",
            ", ".join(advisory_ids(row, aliases=True)) if row else "",
            (component.title or "") if component is not None else "",
            source,
        )
    if noted:
        table.caption = f"* {FINGERPRINT_CAVEAT}"
    return table


def _branch(row: dict[str, Any] | None) -> str:
    """`12 (elts)`: an item's branch and its support state."""
    if not row or not row.get("branch"):
        return ""
    return f"{row['branch']} ({row['support']})" if row.get("support") else str(row["branch"])


@contextmanager
def import_progress(console: Console) -> Iterator[Callable[[str, int], None]]:
    """A live progress line per imported part, gone when the import ends; yields the callback the import calls."""
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

        yield progress
