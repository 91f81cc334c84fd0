"""Entry points the CLI calls: the daemon and the one-shot (cron) run, with signal handling and clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sitewarden.config.models import Config
from sitewarden.config.plan import CheckSpec
from sitewarden.engine.service import Engine, ResultListener
from sitewarden.engine.shards import ShardKeeper
from sitewarden.errors import SitewardenError
from sitewarden.results import Result
from sitewarden.store.database import Database, open_database

logger = logging.getLogger(__name__)
T = TypeVar("T")


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on uvloop when it is installed, else on the standard loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(factory())
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(factory())


def build_listeners(config: Config, database: Database) -> list[ResultListener]:
    """The result listeners every engine gets: one place for each family that reacts to results."""
    from sitewarden.app.recorder import InventoryRecorder
    from sitewarden.catalog.verdicts import Judging

    return [InventoryRecorder(database, Judging.from_settings(config.catalog))]


def build_services(config: Config, database: Database, *, sync: bool = True) -> dict[str, Any]:
    """What probes reach through `ProbeContext.services` (they never open the store): heartbeats, pushed documents
    and the RDAP directory.

    Every heartbeat, of the config file's sites and of store-defined ones (API, `sites import`), gets its row
    (unless `sync` is false: an engine's own plan sync writes them).
    """
    from sitewarden.probes.domain import RDAP_SERVERS
    from sitewarden.store.heartbeats import HeartbeatReader
    from sitewarden.store.pushes import PushReader
    from sitewarden.store.rdap import RdapDirectory

    if sync:
        sync_push_checks(config, database)
    return {
        "heartbeats": HeartbeatReader(database),
        "pushes": PushReader(database),
        RDAP_SERVERS: RdapDirectory(database, config.rdap.servers),
    }


def sync_push_checks(config: Config, database: Database) -> None:
    """The heartbeat and push rows of every check that outside jobs or sites push to, file's and store-defined alike."""
    from sitewarden.config.overlay import with_store_sites
    from sitewarden.config.plan import plan_checks
    from sitewarden.engine.planning import document_push_specs, push_specs
    from sitewarden.results import utcnow
    from sitewarden.store.heartbeats import sync_heartbeats
    from sitewarden.store.pushes import sync_pushes
    from sitewarden.store.sites import site_definitions_list

    with database.transaction() as connection:
        effective = with_store_sites(config, site_definitions_list(connection))
        planned = plan_checks(effective)
        wanted = push_specs(planned)
        if wanted:
            sync_heartbeats(connection, wanted, utcnow())
        sync_pushes(connection, document_push_specs(planned), utcnow())


def build_engine(config: Config, database: Database, only: Sequence[str] = (), **options: Any) -> Engine:
    """An engine with every family's listeners and services: what `run`, `worker` and the demo start."""
    return Engine(
        config,
        database,
        only=only,
        listeners=build_listeners(config, database),
        services=build_services(config, database, sync=False),  # the engine's plan sync writes the heartbeats
        **options,
    )


def start_notifier(config: Config, database: Database, engine: Engine, stop: asyncio.Event) -> asyncio.Task[None]:
    """The daemon's notifier task beside `engine`, with the report schedule, until `stop`.

    It routes by the engine's effective config, read before each pass: store-defined sites and bulk group edits
    match targets like the file's sites, and after a reload (a bulk group edit, a site added by the API) at once,
    without a restart.
    """
    from sitewarden.app.reports import ReportScheduler, report_source
    from sitewarden.events.notifier import run_notifier

    schedule = ReportScheduler(config, database).send_due
    reports = report_source(config, database)
    work = run_notifier(config, database, stop, schedule, reports, sites=lambda: engine.config)
    return asyncio.create_task(work, name="notifier")


def catalog_wanted(config: Config) -> bool:
    """Refresh release and advisory data when the config asks (a `catalog:` section) or a check collects inventory."""
    from sitewarden.inventory import COLLECTORS

    if not config.catalog.sources:
        return False
    if "catalog" in config.model_fields_set:
        return True
    checks = [*config.checks, *(check for site in config.sites for check in site.checks)]
    return any(check.kind in COLLECTORS for check in checks)


def run_once(config: Config, only: Sequence[str] = (), *, notify: bool = True) -> list[tuple[CheckSpec, Result]]:
    """Every selected check once, results stored, then every pending notification delivered (unless `notify`)."""
    from sitewarden.app.reports import report_source
    from sitewarden.events.notifier import flush_notifications

    database = open_database(config.store.url)
    try:

        async def main() -> list[tuple[CheckSpec, Result]]:
            from sitewarden.app.findings import expire_once

            engine = build_engine(config, database, only)
            outcomes = await engine.run_once()
            await asyncio.to_thread(expire_once, database)
            # The engine's effective config: store-defined sites and bulk group edits route like the file's.
            reports = report_source(config, database)
            await flush_notifications(engine.config, database, deliver=notify, reports=reports)
            return outcomes

        return run_async(main)
    finally:
        database.close()


async def reload_from_file(engine: Engine, path: Path) -> None:
    """SIGHUP: read the config file again and reload the engine's checks from it; a broken file is logged and the
    running checks go on unchanged (as nginx keeps its workers when `nginx -s reload` finds a mistake)."""
    from sitewarden.config.apart import load_config_apart

    try:
        fresh = await asyncio.to_thread(load_config_apart, path)
    except SitewardenError as error:
        logger.error("config reload failed, the running checks stay as they were: %s", error)
        return
    try:
        added, removed = await engine.reload_file(fresh)
    except Exception:  # the store, say: the daemon runs on with the checks it had
        logger.exception("config reload failed, the running checks stay as they were")
        return
    logger.info("config reloaded path=%s added=%d removed=%d", path, added, removed)


def run_daemon(
    config: Config,
    only: Sequence[str] = (),
    *,
    on_ready: Callable[[Engine], Any] | None = None,
    notify: bool = True,
    scale_out: bool = False,
    config_path: Path | None = None,
) -> None:
    """Run until SIGINT or SIGTERM; running checks finish and every result is flushed before exit.

    With `scale_out`, this process is one of several workers sharing the checks by shard leases. With
    `config_path`, SIGHUP reads that file again and reloads the checks from it, without a restart.
    """
    database = open_database(config.store.url)
    if scale_out and database.dialect != "postgresql":
        database.close()
        raise SitewardenError(
            "several workers need a PostgreSQL store", hint="set store.url to postgresql+psycopg://..., or use `run`"
        )
    try:

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            worker = f"{socket.gethostname()}:{os.getpid()}"
            leases = config.workers
            shards = (
                ShardKeeper(database, worker, ttl=leases.lease, renew_every=leases.renew_every) if scale_out else None
            )
            engine = build_engine(config, database, only, worker_name=worker, shards=shards)
            reloads: set[asyncio.Task[None]] = set()
            if config_path is not None:
                path = config_path

                def on_hangup() -> None:
                    task = asyncio.create_task(reload_from_file(engine, path), name="config-reload")
                    reloads.add(task)  # held until done: the loop keeps only weak references to tasks
                    task.add_done_callback(reloads.discard)

                loop.add_signal_handler(signal.SIGHUP, on_hangup)
            if on_ready is not None:
                result = on_ready(engine)
                if asyncio.iscoroutine(result):
                    asyncio.ensure_future(result)
            from sitewarden.app.catalog_refresh import refresh_forever
            from sitewarden.app.findings import expire_forever

            notifier = start_notifier(config, database, engine, stop) if notify else None
            catalog = (
                asyncio.create_task(refresh_forever(config, database, stop), name="catalog-refresh")
                if catalog_wanted(config)
                else None
            )
            expiry = asyncio.create_task(expire_forever(database, stop), name="findings-expiry")
            try:
                await engine.run_forever(stop)
            finally:
                stop.set()
                for task in list(reloads):
                    await asyncio.gather(task, return_exceptions=True)
                await expiry
                if notifier is not None:
                    await notifier
                if catalog is not None:
                    await catalog

        run_async(main)
    finally:
        database.close()
