"""Terminal rendering shared by CLI commands: status tables, one result in full, config summaries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from sitewarden.acceptance import AcceptedFinding
from sitewarden.config.models import Config
from sitewarden.results import Result, Status
from sitewarden.terminal import plain
from sitewarden.verdict import Verdict

STYLES = {Status.OK: "green", Status.WARNING: "yellow", Status.ERROR: "bold red", Status.UNKNOWN: "magenta"}
VERDICT_STYLES: dict[str, str] = {
    Verdict.INSECURE: "bold red",
    Verdict.EOL: "red",
    Verdict.OUTDATED: "yellow",
    Verdict.UP_TO_DATE: "green",
    Verdict.UNKNOWN: "dim",
}


def status_text(status: Status | None) -> Text:
    if status is None:
        return Text("pending", style="dim")
    return Text(status.label, style=STYLES[status])


def verdict_text(verdict: str | None) -> Text:
    """A verdict coloured by urgency, so an insecure item stands out in a long table."""
    if verdict is None:
        return Text("-", style="dim")
    return Text(verdict, style=VERDICT_STYLES.get(verdict, ""))


def state_text(row: dict[str, Any]) -> Text:
    """The current status, with "(soft, 1 of 3)" while it is not yet confirmed (rows from app.status)."""
    current = Status(row["last_status"]) if row.get("last_status") is not None else None
    if current is None and row.get("hard_status") is not None:
        current = Status(row["hard_status"])
    label = status_text(current)
    if row.get("soft"):
        label.append(f" ({row['soft']})", style="dim")
    return label


def states_table(rows: list[dict[str, Any]], title: str | None = None) -> Table:
    table = Table(title=title, expand=False)
    for column in ("site", "check", "kind", "status", "since", "class", "last result", "ms"):
        table.add_column(column, overflow="fold")
    for row in rows:
        hard = Status(row["hard_status"]) if row.get("hard_status") is not None else None
        label = state_text(row)
        duration = row.get("last_duration_ms")
        table.add_row(
            row.get("site") or "-",
            row["check"],
            row["kind"],
            label,
            _ago(row.get("hard_since")) if hard is not None else "",
            row.get("class") or "",
            row.get("last_summary") or "",
            f"{duration:.0f}" if duration is not None else "",
        )
    return table


def results_table(outcomes: list[tuple[Any, Result]], states: dict[str, dict[str, Any]] | None = None) -> Table:
    """`run --once`: each result, its status labelled soft or confirmed as `status` labels it."""
    table = Table()
    for column in ("check", "status", "summary", "ms"):
        table.add_column(column, overflow="fold")
    for spec, result in outcomes:
        label = status_text(result.status)
        soft = (states or {}).get(spec.key, {}).get("soft")
        if soft:
            label.append(f" ({soft})", style="dim")
        table.add_row(spec.key, label, result.summary, f"{result.duration_ms:.0f}")
    return table


def print_result(console: Console, key: str, result: Result, log: list[str]) -> None:
    console.print(Text.assemble((f"{key}: ", "bold"), status_text(result.status), plain(f" - {result.summary}")))
    if result.failure is not None:
        phase = result.details.get("phase")
        console.print(f"class: {result.failure.value}" + (f" (phase {phase})" if phase else ""))
    console.print(f"started {result.started_at.isoformat(timespec='seconds')}, took {result.duration_ms:.1f} ms")
    if result.metrics:
        table = Table("metric", "value", "unit", "warn", "crit", title="metrics")
        for metric in result.metrics:
            table.add_row(metric.name, f"{metric.value:g}", metric.unit, _num(metric.warn), _num(metric.crit))
        console.print(table)
    if result.details:
        import json

        console.print("details:")
        console.print(json.dumps(result.details, indent=2, default=str, ensure_ascii=False), markup=False)
    if log:
        console.print("log:")
        for line in log:
            console.print(f"  {line}", markup=False)


def config_summary(config: Config, path: str) -> str:
    from sitewarden.app.database import safe_store_url  # SQLAlchemy only when a summary is printed

    site_checks = sum(len(site.checks) for site in config.sites)
    kinds: dict[str, int] = {}
    for site in config.sites:
        for check in site.checks:
            kinds[check.kind] = kinds.get(check.kind, 0) + 1
    for check in config.checks:
        kinds[check.kind] = kinds.get(check.kind, 0) + 1
    by_kind = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())) or "none"
    return (
        f"{path}: ok\n"
        f"  sites: {len(config.sites)}, checks: {site_checks + len(config.checks)} ({by_kind})\n"
        f"  store: {safe_store_url(config.store.url)}"
    )


def start_line(config: Config, path: str, dashboard: str) -> str:
    """The one line `serve`, `run`, `worker` and `demo` print at start: what runs, on what, and where to look."""
    from sitewarden import __version__
    from sitewarden.app.database import safe_store_url

    checks = sum(len(site.checks) for site in config.sites) + len(config.checks)
    sites = f"{len(config.sites)} site{'s' if len(config.sites) != 1 else ''}"
    return (
        f"sitewarden {__version__} · config {path} · store {safe_store_url(config.store.url)} · "
        f"{sites}, {checks} check{'s' if checks != 1 else ''} · dashboard {dashboard}"
    )


def config_warnings(config: Config) -> list[str]:
    """Valid but probably unintended: a site with no checks is never watched."""
    return [
        f"warning: sites[{index}] '{site.name}' has no checks, so nothing watches it; add one under its `checks:`"
        for index, site in enumerate(config.sites)
        if not site.checks
    ]


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _ago(moment: datetime | None) -> str:
    if moment is None:
        return ""
    from sitewarden.results import utcnow

    seconds = (utcnow() - moment).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit} ago"
    return f"{int(max(seconds, 0))}s ago"


def print_verdict(console: Console, assessment: Any, *, as_json: bool = False) -> None:
    """`sitewarden verdict`: verdict, branch and support, advisories with aliases, fixing version, upgrade."""
    data = assessment.as_dict()
    if as_json:
        console.print_json(data=data)
        return
    console.print(Text.assemble(f"{data['product']} {data['version']}: ", verdict_text(data["verdict"])))
    console.print(f"branch {data['branch'] or '-'} ({data['support'] or 'support unknown'})", highlight=False)
    for advisory in data["advisories"]:
        aliases = f" ({', '.join(advisory['aliases'])})" if advisory["aliases"] else ""
        console.print(f"  {advisory['id']}{aliases}: {advisory['title']}", highlight=False)
    if data["fixed_version"]:
        upgrade = " (in a later branch: an upgrade)" if data["fix_is_upgrade"] else ""
        console.print(f"fixed in {data['fixed_version']}{upgrade}", highlight=False)
    if data["branch_latest"]:
        console.print(f"newest of the branch: {data['branch_latest']}", highlight=False)
    console.print(f"upgrade: {data['upgrade']}" + (f" (latest {data['latest']})" if data["latest"] else ""))
    if data["caveat"]:
        console.print(f"note: {data['caveat']}", highlight=False)
    console.print(data["summary"], highlight=False, style="dim")


def acceptances_table(findings: list[AcceptedFinding], today: date) -> Table:
    """Accepted findings: what, on which site, who accepted it, why, and until which day."""
    table = Table(expand=False)
    for column in ("id", "site", "product", "accepted", "state", "until", "by", "reason"):
        table.add_column(column, overflow="fold")
    for finding in findings:
        revoked = f" (revoked by {finding.revoked_by})" if finding.revoked_by else ""
        table.add_row(
            str(finding.id),
            finding.site,
            finding.product,
            finding.subject,
            finding.state(today),
            finding.until.isoformat(),
            finding.accepted_by + revoked,
            finding.reason,
        )
    return table
