"""`sitewarden demo`: the fleet, the engine on SQLite, and a live status table until Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from sitewarden.app.daemon import build_engine, run_async
from sitewarden.app.database import Database, open_store
from sitewarden.app.soft_states import soft_label
from sitewarden.config.loader import load_config
from sitewarden.config.models import Config
from sitewarden.console import start_line, status_text
from sitewarden.demo.findings import accept_when_judged
from sitewarden.demo.fleet import DemoFleet, demo_config, heartbeat_pinger
from sitewarden.engine.service import Engine
from sitewarden.terminal import PlainConsole
from sitewarden.web.server import ensure_port_free, serve_beside

DEMO_CATALOG = Path(__file__).parent / "catalog"


def run_demo(directory: Path, *, port: int = 8470, duration: float | None = None) -> None:
    """Run the demo until interrupted (or for `duration` seconds, for tests)."""
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    console = PlainConsole(soft_wrap=True, width=None if sys.stdout.isatty() else 200)

    ensure_port_free("127.0.0.1", port)

    async def main() -> None:
        fleet = DemoFleet(directory)
        sites = await fleet.start()
        config_path = directory / "sitewarden.yaml"
        config_path.write_text(demo_config(sites, directory / "demo.db"), encoding="utf-8")
        config = load_config(config_path)
        database = open_store(config.store.url)
        await import_demo_catalog(config, database)
        engine = build_engine(config, database)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        if duration is not None:
            loop.call_later(duration, stop.set)
        url = f"http://127.0.0.1:{port}/"
        console.print(start_line(config, str(config_path), url), markup=False, highlight=False)
        console.print(f"status page: {url}status/demo · stop with Ctrl-C", markup=False, highlight=False)
        runner = asyncio.create_task(engine.run_forever(stop))
        dashboard = asyncio.create_task(serve_beside(database, config, port, stop, demo=True))
        pinger = asyncio.create_task(heartbeat_pinger(f"http://127.0.0.1:{port}"), name="demo-heartbeat")
        accepted = asyncio.create_task(accept_when_judged(database, stop), name="demo-accepted-finding")
        descriptions = {site.name: site.description for site in sites}
        if console.is_terminal:
            with Live(_table(engine, descriptions), console=console, refresh_per_second=2, transient=False) as live:
                while not stop.is_set():
                    live.update(_table(engine, descriptions))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), 0.5)
                live.update(_table(engine, descriptions))
        else:
            await _print_changes(console, engine, descriptions, stop)
        pinger.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pinger
        await runner
        await dashboard
        await accepted
        await fleet.stop()
        database.close()
        console.print(f"\ndemo stopped; results are kept in {directory / 'demo.db'}")

    run_async(main)


async def _print_changes(console: Console, engine: Engine, descriptions: dict[str, str], stop: asyncio.Event) -> None:
    """Not a terminal (a pipe, a log): print the whole table whenever a status changes, and once at the end."""
    shown: tuple[object, ...] | None = None
    while True:
        current = tuple((key, check.state.hard, check.state.soft) for key, check in engine.checks.items())
        if current != shown or stop.is_set():
            console.print(_table(engine, descriptions))
            shown = current
        if stop.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def import_demo_catalog(config: Config, database: Database) -> None:
    """Release and advisory data shipped with the demo (offline), so its CMS sites get real verdicts."""
    from sitewarden.app.catalog_refresh import import_and_assess

    await import_and_assess(config, database, "all", local=DEMO_CATALOG)


def _table(engine: Engine, descriptions: dict[str, str]) -> Group:
    table = Table(title="sitewarden demo fleet", expand=False)
    for column in ("check", "what it shows", "status", "last result", "ms"):
        table.add_column(column, overflow="fold")
    for check in engine.checks.values():
        state = check.state
        label = status_text(state.last_status if state.last_status is not None else state.hard)
        thresholds = (check.spec.failure_threshold, check.spec.success_threshold)
        soft = soft_label(state.last_status, state.hard, state.attempts, thresholds)
        if soft:
            label.append(f" ({soft})", style="dim")
        ms = f"{state.last_duration_ms:.0f}" if state.last_duration_ms is not None else ""
        shows = descriptions.get(check.spec.site or "", "") if check.spec.site else "a cron job pinging its heartbeat"
        summary = state.last_summary or "waiting for the first run"
        table.add_row(check.spec.key, shows, label, summary, ms)
    footer = Text(f"runs: {engine.stats.runs}, written: {engine.writer.written}", style="dim")
    return Group(table, footer)
