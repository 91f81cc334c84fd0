"""The `sitewarden` command: parse, call one function, turn errors into a message and an exit code."""

from __future__ import annotations

import csv
import json
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sitewarden import __version__
from sitewarden.errors import ConfigError, SitewardenError
from sitewarden.terminal import PlainConsole

if TYPE_CHECKING:
    from sitewarden.config.models import Config

app = typer.Typer(
    name="sitewarden",
    help="Watch a fleet of websites and CMS installations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
sites_app = typer.Typer(help="Sites defined in the store (not in the config file).", no_args_is_help=True)
app.add_typer(sites_app, name="sites")
user_app = typer.Typer(help="Local users of the dashboard and API.", no_args_is_help=True)
app.add_typer(user_app, name="user")
token_app = typer.Typer(help="API tokens, sent as Authorization: Bearer <token>.", no_args_is_help=True)
app.add_typer(token_app, name="token")
findings_app = typer.Typer(
    help="Accepted findings: live with a verdict or advisory of a site's item for a while, with a reason.",
    no_args_is_help=True,
)
app.add_typer(findings_app, name="findings")
report_app = typer.Typer(help="Client and admin reports: print them, or mail them with --send.", no_args_is_help=True)
app.add_typer(report_app, name="report")

# Target text (summaries, titles, versions) is printed as plain text: no markup, no terminal control sequences.
out = PlainConsole(soft_wrap=True, width=None if sys.stdout.isatty() else 200)  # pipes and cron get whole lines
err = PlainConsole(stderr=True, soft_wrap=True)
logger = logging.getLogger("sitewarden")


class Options:
    """Global options shared by every command."""

    config: Path | None = None
    debug: bool = False
    database_dir: Path | None = None
    """Where the SQLite database lives, once a config is loaded: the crash log's fallback place."""


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "-c", "--config", help="Config file (default ./sitewarden.yaml or $SITEWARDEN_CONFIG).", show_default=False
    ),
]
OnlyOption = Annotated[
    list[str] | None, typer.Option("--only", help="Only this site, check key or check name (repeatable).")
]


def _print_version(value: bool) -> None:
    """Eager, so `sitewarden --version` alone answers before Click asks for a command."""
    if value:
        out.print(f"sitewarden {__version__}", markup=False, highlight=False)
        raise typer.Exit(0)


@app.callback()
def main_options(
    config: ConfigOption = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    log_level: Annotated[str, typer.Option("--log-level", help="debug, info, warning or error.")] = "warning",
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True, callback=_print_version)
    ] = False,
) -> None:
    from sitewarden.logs import setup_logging

    Options.config = config
    Options.debug = debug
    setup_logging("debug" if debug else log_level)


def _config_path(override: Path | None = None) -> Path:
    from sitewarden.config.loader import default_config_path

    return override or Options.config or default_config_path()


def _load(override: Path | None = None, *, apart: str | None = None):  # type: ignore[no-untyped-def]
    """The config; `apart` for a process that runs on (a large file is then parsed in a child process, while
    this one imports what the `daemon` or the `dashboard` starts with)."""
    from sitewarden.memory import collections_paused

    with collections_paused():  # a large file loads three times faster
        if apart:
            from sitewarden.config.apart import load_config_apart

            config = load_config_apart(_config_path(override), meanwhile=_importing(apart))
        else:
            from sitewarden.config.loader import load_config

            config = load_config(_config_path(override))
    if config.store.url.startswith("sqlite:///"):
        Options.database_dir = Path(config.store.url.removeprefix("sqlite:///")).parent
    return config


STARTS_WITH = {
    "daemon": (
        "sitewarden.app.daemon", "sitewarden.engine.service", "sitewarden.app.recorder", "sitewarden.catalog.verdicts",
        "sitewarden.app.catalog_refresh", "sitewarden.app.findings", "sitewarden.app.reports",
        "sitewarden.events.notifier",
    ),
    "dashboard": ("sitewarden.web.server",),
}  # fmt: skip


def _importing(what: str) -> Callable[[], None]:
    """Imports a long-running command starts with (most of a second), done while its config is parsed apart."""

    def imports() -> None:
        import importlib

        for module in STARTS_WITH[what]:
            importlib.import_module(module)

    return imports


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the example config.")] = Path("sitewarden.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented example config."""
    from sitewarden.config.example import write_example_config

    written = write_example_config(path, force=force)
    out.print(f"wrote {written}; check it with: sitewarden check-config -c {written}")


@app.command("check-config")
def check_config(
    file: Annotated[Path | None, typer.Argument(help="Config file to check.", show_default=False)] = None,
    config: ConfigOption = None,
) -> None:
    """Validate a config file: a summary and exit 0, or every problem as FILE:LINE: path: message and exit 2."""
    from sitewarden.console import config_summary, config_warnings

    path = _config_path(file or config)
    loaded = _load(path)
    out.print(config_summary(loaded, str(path)), markup=False, highlight=False)
    for line in config_warnings(loaded):
        err.print(line, markup=False, highlight=False)


@app.command()
def run(
    once: Annotated[bool, typer.Option("--once", help="Run every check once and exit with the worst status.")] = False,
    only: OnlyOption = None,
    no_notify: Annotated[bool, typer.Option("--no-notify", help="Store events but send no notification.")] = False,
    config: ConfigOption = None,
) -> None:
    """Run the monitor: as a daemon until SIGINT/SIGTERM, or every check once (--once) for cron.

    As a daemon, SIGHUP reads the config file again and reloads its sites and checks without a restart.

    With --once, exit with the worst status of this run's results (soft or confirmed), the rule `status` follows.
    """
    from sitewarden.memory import collections_paused, settle_heap

    with collections_paused():  # the engine's start settles the heap and switches the collector back on
        loaded = _load(config, apart=None if once else "daemon")  # (imports the daemon's modules meanwhile)
        from sitewarden.app.daemon import run_daemon, run_once

        if not once:
            _print_start(loaded, config, served=False)
            run_daemon(loaded, only or (), notify=not no_notify, config_path=_config_path(config))
            return
    from sitewarden.results import worst

    settle_heap()
    outcomes = run_once(loaded, only or (), notify=not no_notify)
    if not outcomes:
        raise SitewardenError("no checks to run" + (" matching --only" if only else ""), hint="see check-config")
    from sitewarden.app.status import states_by_key
    from sitewarden.console import results_table

    out.print(results_table(outcomes, states_by_key(loaded, [spec.key for spec, _ in outcomes])))
    raise typer.Exit(int(worst(result.status for _, result in outcomes)))


@app.command()
def worker(
    only: OnlyOption = None,
    no_notify: Annotated[bool, typer.Option("--no-notify", help="Store events but send no notification.")] = False,
    config: ConfigOption = None,
) -> None:
    """Run as one of several workers sharing the checks of one PostgreSQL store (shard leases)."""
    from sitewarden.memory import collections_paused

    with collections_paused():  # the engine's start settles the heap and switches the collector back on
        loaded = _load(config, apart="daemon")  # (imports the daemon's modules meanwhile)
        from sitewarden.app.daemon import run_daemon

        _print_start(loaded, config, served=False)
        run_daemon(loaded, only or (), notify=not no_notify, scale_out=True, config_path=_config_path(config))


@app.command()
def status(
    name: Annotated[str | None, typer.Argument(help="A site, check key (site/check) or check name.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    engine: Annotated[
        bool, typer.Option("--engine", help="Print the engines' figures (start lag, offered and started load).")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Print the checks' states and each judged site's worst inventory verdict.

    Exit with the worst current check status, soft or confirmed, as `run --once` does (Nagios style: 0 ok …
    3 unknown, a check not run yet counts as unknown); verdicts never change the exit status (`sitewarden
    advisories` exits 2 while an advisory is open).
    """
    if engine:
        from sitewarden.app.status import engine_figures

        figures = engine_figures(_load(config))
        if as_json:
            out.print_json(json.dumps(figures, default=str))
        else:
            for item in figures:
                out.print(
                    f"{item['name']}: {item.get('checks', 0)} checks, {item.get('runs', 0)} runs, start lag "
                    f"p50 {item.get('lag_p50_seconds', 0)} s p99 {item.get('lag_p99_seconds', 0)} s, offered "
                    f"{item.get('offered_per_second', 0)}/s, started {item.get('started_per_second', 0)}/s"
                    + (" (overloaded)" if item.get("overloaded") else "")
                )
        return
    from sitewarden.app.catalog import status_verdicts
    from sitewarden.app.status import exit_status, read_states
    from sitewarden.console import states_table
    from sitewarden.console_tables import verdicts_table

    loaded = _load(config)
    rows = read_states(loaded, name)
    verdicts = status_verdicts(loaded, rows)
    if as_json:
        out.print_json(json.dumps(rows, default=str))
    else:
        out.print(states_table(rows))
        if verdicts:
            out.print(verdicts_table(verdicts))
    raise typer.Exit(int(exit_status(rows)))


@app.command()
def check(
    name: Annotated[str, typer.Argument(help="Check key (site/check), or a check name that is unique.")],
    config: ConfigOption = None,
) -> None:
    """Run one check now and print the full result; the stored state is not touched."""
    from sitewarden.app.single import run_single
    from sitewarden.console import print_result

    key, result, log = run_single(_load(config), name)
    print_result(out, key, result, log)
    raise typer.Exit(int(result.status))


@app.command()
def heartbeats(config: ConfigOption = None) -> None:
    """List heartbeat checks: the URL path each job pings (below the dashboard's address) and its last ping."""
    from rich.table import Table

    from sitewarden.app.status import heartbeat_lines

    rows = heartbeat_lines(_load(config))
    table = Table("check", "ping", "last ping")
    for row in rows:
        table.add_row(row["check"], row["ping"], row["last ping"])
    out.print(table if rows else "no heartbeat checks configured")


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port of the dashboard.")] = 8470,
    directory: Annotated[Path, typer.Option("--dir", help="Where the demo keeps its config and database.")] = Path(
        ".demo"
    ),
) -> None:
    """Start a demo fleet of local sites and monitor it, with a live status table."""
    from sitewarden.demo.run import run_demo

    run_demo(directory, port=port)


@app.command("import")
def import_catalog(
    what: Annotated[str, typer.Argument(help="core, extensions, advisories, eol, domains, all, or a source.")] = "all",
    source: Annotated[
        Path | None, typer.Option("--from", help="Import from a downloaded file or a folder of them.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Download again and accept a much smaller source.")] = False,
    config: ConfigOption = None,
) -> None:
    """Import release and advisory data into the catalogue, then judge every site's inventory again."""
    from sitewarden.app.catalog import run_import
    from sitewarden.console_tables import import_progress, summary_table

    with import_progress(out) as progress:
        summary, changed = run_import(_load(config), what, source, force, progress)
    out.print(summary_table(summary))
    totals = summary.totals()
    out.print(
        f"added {totals['added']}, changed {totals['changed']}, removed {totals['removed']}; "
        f"{changed} verdict{'s' if changed != 1 else ''} changed",
        highlight=False,
    )
    raise typer.Exit(3 if summary.failed else 0)


@app.command()
def advisories(
    site: Annotated[str | None, typer.Argument(help="Only this site.")] = None,
    config: ConfigOption = None,
) -> None:
    """List the open advisories across the fleet, most severe first (exit 2 when any is open)."""
    from sitewarden.app.catalog import read_advisories
    from sitewarden.console_tables import advisories_table

    lines = read_advisories(_load(config), site)
    out.print(advisories_table(lines) if lines else "no open advisories")
    raise typer.Exit(2 if lines else 0)


@app.command()
def verdict(
    product: Annotated[str, typer.Argument(help="typo3, drupal, wordpress, php, ter:KEY, composer:VENDOR/NAME ...")],
    version: Annotated[str, typer.Argument(help="The version to judge, e.g. 12.4.10.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Judge as of this day (YYYY-MM-DD): its branch support, and only releases and advisories "
            "published by then. Default: today.",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Judge any version against the catalogue (exit 2 insecure, 1 eol or outdated, 0 up to date, 3 unknown)."""
    from sitewarden.app.verdict import judge_version, parse_day
    from sitewarden.console import print_verdict
    from sitewarden.verdict import Verdict

    assessment = judge_version(_load(config), product, version, parse_day(on))
    print_verdict(out, assessment, as_json=as_json)
    raise typer.Exit(Verdict(assessment.verdict).exit_code)


@app.command()
def inventory(
    site: Annotated[str | None, typer.Argument(help="Only this site (also lists its components).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    config: ConfigOption = None,
) -> None:
    """Print the latest inventory snapshots (CMS, PHP, database, web server, components) with their verdicts."""
    from sitewarden.app.inventory import read_judged
    from sitewarden.console_tables import inventory_json, inventory_tables

    found, verdicts = read_judged(_load(config), site)
    if as_json:
        out.print_json(json.dumps(inventory_json(found, verdicts)))
    else:
        out.print(inventory_tables(found, components=site is not None, verdicts=verdicts))


@sites_app.command("import")
def sites_import(
    file: Annotated[Path, typer.Argument(help="CSV or YAML file of sites, or a timon, pmon or t3monitoring file.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and report; write nothing.")] = False,
    file_format: Annotated[
        str | None,
        typer.Option(
            "--format", help="sitewarden, timon, pmon, t3monitoring-csv or t3monitoring-sql; default: by content."
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Add or update store-defined sites; report what was added, changed, refused and not carried over."""
    from sitewarden.app.sites import import_sites

    report = import_sites(_load(config), file, dry_run=dry_run, file_format=file_format)
    for line in report.lines():
        out.print(line, markup=False, highlight=False)
    raise typer.Exit(1 if report.refused else 0)


@sites_app.command("query")
def sites_query(
    query: Annotated[str, typer.Argument(help="Fleet query, e.g. 'product:georgringer/news version:<11.4.3'.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    config: ConfigOption = None,
) -> None:
    """Sites matching a fleet query, with the matched item, version, verdict and groups (see docs/fleet.md)."""
    from sitewarden.app.fleet import COLUMNS, run_query
    from sitewarden.console_tables import fleet_table
    from sitewarden.fleet.query import QueryError

    try:
        found = run_query(_load(config).store.url, query)
    except QueryError as error:
        err.print(error.pointer(), markup=False, highlight=False)
        raise
    rows = [match.as_dict() for match in found.matches]
    if as_json:
        out.print_json(json.dumps(rows))
    elif as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(match.csv_row() for match in found.matches)
    else:
        out.print(fleet_table(rows))
        out.print(f"{len(rows)} sites", markup=False, highlight=False)


@sites_app.command("bulk")
def sites_bulk(
    action: Annotated[
        str, typer.Argument(help="pause, resume, run_now, acknowledge, maintenance, add_group, remove_group or notify.")
    ],
    query: Annotated[str | None, typer.Option("--query", "-q", help="Act on the sites a fleet query matches.")] = None,
    sites: Annotated[str | None, typer.Option("--sites", help="Act on these sites (names, comma-separated).")] = None,
    reason: Annotated[str, typer.Option(help="maintenance: why (shown on the site page).")] = "",
    until: Annotated[str | None, typer.Option(help="maintenance: end, as 2h or 2026-05-01T22:00 (UTC).")] = None,
    group: Annotated[str | None, typer.Option(help="add_group / remove_group: the group.")] = None,
    message: Annotated[str | None, typer.Option(help="notify: the message to the sites' contacts.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would change; change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask (scripts); needed off a terminal.")] = False,
    config: ConfigOption = None,
) -> None:
    """Act on many sites at once, in one audited transaction: all or nothing (see docs/fleet.md)."""
    import getpass

    from sitewarden.app.bulk import Actor, BulkRequest, apply_in_store, parse_end, preview_in_store
    from sitewarden.errors import UsageError
    from sitewarden.fleet.query import QueryError
    from sitewarden.results import utcnow

    names = tuple(name.strip() for name in (sites or "").split(",") if name.strip())
    ends_at = parse_end(until, utcnow()) if until else None
    request = BulkRequest(action, query, names, reason, ends_at, group, message)
    url = _load(config).store.url
    try:
        plan = preview_in_store(url, request)
    except QueryError as error:
        err.print(error.pointer(), markup=False, highlight=False)
        raise
    for site in plan.changed_sites:
        for change in plan.changes[site]:
            out.print(f"{site}: {change}", markup=False, highlight=False)
    summary = f"{plan.change_count} changes on {len(plan.changed_sites)} of {len(plan.sites)} sites"
    if dry_run or not plan.change_count:
        out.print(f"{summary} (dry run, nothing changed)" if dry_run else "nothing to change", markup=False)
        return
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                f"not changing {len(plan.changed_sites)} sites without a confirmation, and this is no terminal",
                hint="add --yes to apply from a script, or --dry-run to see what would change",
            )
        if not typer.confirm(f"{summary}: apply?", default=False):
            out.print("nothing changed", markup=False)
            return
    done = apply_in_store(url, plan, Actor(getpass.getuser(), "-", "cli"))
    out.print(f"done: {done.change_count} changes on {len(done.changed_sites)} sites", markup=False)


SendOption = Annotated[bool, typer.Option("--send", help="Mail the report instead of printing it.")]


@report_app.command("client")
def report_client(
    name: Annotated[str | None, typer.Argument(help="Site name.", show_default=False)] = None,
    all_sites: Annotated[bool, typer.Option("--all", help="Every site.")] = False,
    send: SendOption = False,
    config: ConfigOption = None,
) -> None:
    """A site's report for its contacts: failing checks, expiring certificates, what to update."""
    from sitewarden.app.reports import report_command

    if (name is None) == (not all_sites):
        raise SitewardenError("name one site or pass --all", hint="sitewarden report client shop")
    messages = report_command(_load(config), "client", None if all_sites else [name or ""], send=send)
    for message in messages:
        out.print(f"sent: {message.subject}" if send else message.text, markup=False, highlight=False)


@report_app.command("admin")
def report_admin(send: SendOption = False, config: ConfigOption = None) -> None:
    """The fleet report: every site with problems, grouped by severity, with totals."""
    from sitewarden.app.reports import report_command

    for message in report_command(_load(config), "admin", None, send=send):
        out.print(f"sent: {message.subject}" if send else message.text, markup=False, highlight=False)


@report_app.command("sla")
def report_sla(
    group: Annotated[str | None, typer.Option("--group", help="Only the sites of this group.")] = None,
    site: Annotated[str | None, typer.Option("--site", help="Only this site.")] = None,
    month: Annotated[str | None, typer.Option("--month", help="Calendar month, e.g. 2026-11 (default: last).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Start date or ISO time (UTC).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="End date or ISO time (UTC), exclusive.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, csv, json or pdf.")] = "text",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
    config: ConfigOption = None,
) -> None:
    """Availability, outages, MTTR and response times per site and group against their SLA targets."""
    from sitewarden.app.sla_reports import sla_command

    document = sla_command(_load(config), fmt, group=group, site=site, month=month, start=start, end=end)
    if output is not None:
        output.write_bytes(document if isinstance(document, bytes) else document.encode())
    elif isinstance(document, bytes):
        sys.stdout.buffer.write(document)
    else:
        sys.stdout.write(document)


@db_app.command("upgrade")
def db_upgrade(config: ConfigOption = None) -> None:
    """Apply pending database migrations (also done automatically on start)."""
    from sitewarden.app.database import upgrade_database

    applied = upgrade_database(_load(config))
    out.print(f"applied: {', '.join(applied)}" if applied else "database is up to date")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default web.host, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default web.port, 8470).")] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the dashboard, JSON API and /metrics; refuses a non-loopback address while no user exists."""
    from sitewarden.memory import collections_paused

    with collections_paused():  # `serve` settles the heap once the plan is let go
        loaded = _load(config, apart="dashboard")  # (imports the dashboard's modules meanwhile)
        from sitewarden.web.server import serve as serve_web

        _print_start(loaded, config, served=True, host=host, port=port)
        serve_web(loaded, host, port)


def _print_start(
    loaded: Config, override: Path | None, *, served: bool, host: str | None = None, port: int | None = None
) -> None:
    """One line at start, so a terminal or a service log says what runs on what, and where the dashboard is."""
    from sitewarden.console import start_line

    url = f"http://{host or loaded.web.host}:{port or loaded.web.port}/"
    dashboard = url if served else f"{url} (when `sitewarden serve` runs)"
    out.print(start_line(loaded, str(_config_path(override)), dashboard), markup=False, highlight=False)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")]


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    admin: Annotated[bool, typer.Option("--admin", help="May act (run, pause, edit), not only look.")] = False,
    password_stdin: PasswordStdin = False,
    config: ConfigOption = None,
) -> None:
    """Add a local user (role viewer, or admin with --admin)."""
    from sitewarden.app.accounts import add_account

    user = add_account(_load(config), name, _password(password_stdin), admin=admin)
    out.print(f"added user {user.name} ({user.role})", markup=False)


@user_app.command("password")
def user_password(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: PasswordStdin = False,
    config: ConfigOption = None,
) -> None:
    """Set a user's password."""
    from sitewarden.app.accounts import change_password

    change_password(_load(config), name, _password(password_stdin))
    out.print(f"password of {name} changed", markup=False)


@user_app.command("list")
def user_list(config: ConfigOption = None) -> None:
    """List the local users and their roles."""
    from sitewarden.app.accounts import accounts

    for user in accounts(_load(config)):
        out.print(f"{user.name}\t{user.role}\tlast login {user.last_login_at or 'never'}", markup=False)


@user_app.command("delete")
def user_delete(name: Annotated[str, typer.Argument(help="Login name.")], config: ConfigOption = None) -> None:
    """Delete a user and their API tokens."""
    from sitewarden.app.accounts import remove_account

    remove_account(_load(config), name)
    out.print(f"deleted user {name}", markup=False)


@user_app.command("role")
def user_role(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Argument(help="viewer or admin.")],
    config: ConfigOption = None,
) -> None:
    """Change a user's role; their sessions end, so they sign in again with the new role."""
    from sitewarden.app.user_sessions import change_role

    change_role(_load(config), name, role)
    out.print(f"{name} is now {role}; their sessions were ended", markup=False)


@user_app.command("sessions")
def user_sessions(
    name: Annotated[str, typer.Argument(help="Login name.")],
    revoke: Annotated[bool, typer.Option("--revoke", help="End all of them (the browsers are signed out).")] = False,
    config: ConfigOption = None,
) -> None:
    """List a user's dashboard sessions (id, started, last seen, address, browser), or end them with --revoke."""
    from sitewarden.app.user_sessions import revoke_sessions, sessions_of

    if revoke:
        ended = revoke_sessions(_load(config), name)
        out.print(f"ended {ended} session(s) of {name}", markup=False)
        return
    for item in sessions_of(_load(config), name):
        line = f"{item.id}\t{item.created_at:%Y-%m-%d %H:%M}\t{item.last_seen_at:%Y-%m-%d %H:%M}\t{item.address}"
        out.print(f"{line}\t{item.user_agent}", markup=False, highlight=False)


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="The user the token acts as.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
    config: ConfigOption = None,
) -> None:
    """Create an API token; it is printed once and stored only as a hash."""
    from sitewarden.app.accounts import new_token

    out.print(new_token(_load(config), user, name), markup=False, highlight=False)


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    config: ConfigOption = None,
) -> None:
    """List API tokens (id, user, name, first characters)."""
    from sitewarden.app.accounts import tokens

    for token in tokens(_load(config), user):
        out.print(f"{token.id}\t{token.user}\t{token.name}\t{token.prefix}…", markup=False, highlight=False)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="Id from `token list`.")], config: ConfigOption = None
) -> None:
    """Revoke an API token."""
    from sitewarden.app.accounts import drop_token

    drop_token(_load(config), token_id)
    out.print(f"revoked token {token_id}", markup=False)


@findings_app.command("accept")
def findings_accept(
    site: Annotated[str, typer.Argument(help="The site.")],
    product: Annotated[str, typer.Argument(help="The item: catalogue product (ter:news) or key (news).")],
    reason: Annotated[str, typer.Option("--reason", help="Why the finding is acceptable for now.")],
    until: Annotated[str, typer.Option("--until", help="Last day it holds, YYYY-MM-DD (UTC).")],
    advisory: Annotated[str | None, typer.Option("--advisory", help="Accept only this advisory id.")] = None,
    verdict: Annotated[
        str | None, typer.Option("--verdict", help="Accept this verdict (default: the current one).")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who accepts it (default: the login name).")] = None,
    config: ConfigOption = None,
) -> None:
    """Accept a finding: it is shown as accepted and stops counting toward verdicts and alerts until the day ends."""
    import getpass

    from sitewarden.app.findings import AcceptRequest, accept_in_store, parse_until

    request = AcceptRequest(site, product, reason, parse_until(until), advisory, verdict)
    finding = accept_in_store(_load(config).store.url, request, by or getpass.getuser())
    out.print(
        f"accepted {finding.subject} of {finding.product} on {finding.site} until {finding.until} (id {finding.id})",
        markup=False,
        highlight=False,
    )


@findings_app.command("list")
def findings_list(
    site: Annotated[str | None, typer.Argument(help="Only this site.")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Also revoked and expired acceptances.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    config: ConfigOption = None,
) -> None:
    """List accepted findings in force (all of them with --all)."""
    from sitewarden.acceptance import utc_today
    from sitewarden.app.findings import list_in_store
    from sitewarden.console import acceptances_table

    found = list_in_store(_load(config).store.url, site, everything=everything)
    today = utc_today()
    if as_json:
        out.print_json(json.dumps([finding.as_dict(today) for finding in found]))
    else:
        out.print(acceptances_table(found, today) if found else "no accepted findings")


@findings_app.command("revoke")
def findings_revoke(
    finding_id: Annotated[int, typer.Argument(help="Id from `findings list`.")],
    by: Annotated[str | None, typer.Option("--by", help="Who revokes it (default: the login name).")] = None,
    config: ConfigOption = None,
) -> None:
    """End an acceptance now: the finding counts again at once."""
    import getpass

    from sitewarden.app.findings import revoke_in_store

    finding = revoke_in_store(_load(config).store.url, finding_id, by or getpass.getuser())
    out.print(f"revoked accepted finding {finding.id} ({finding.product} on {finding.site})", markup=False)


def main() -> None:
    """Console entry point: no traceback ever reaches the user unless --debug asks for it."""
    try:
        app()
    except SitewardenError as error:
        err.print(str(error), markup=False, highlight=False)
        if error.hint and not isinstance(error, ConfigError):
            err.print(f"hint: {error.hint}", markup=False)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception:
        text = traceback.format_exc()
        if Options.debug:
            err.print(text, markup=False)
        from sitewarden.logs import write_crash_log

        path = write_crash_log(text, Options.database_dir)
        where = f"details in the log ({path})" if path is not None else "no crash log could be written"
        err.print(f"internal error, {where}", markup=False)
        sys.exit(3)


if __name__ == "__main__":
    main()
