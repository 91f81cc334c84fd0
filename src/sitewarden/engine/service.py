"""The engine: schedules every check, runs it in its pool, advances its state and hands results to the writer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from sitewarden.config.kinds import check_kinds
from sitewarden.config.models import Config
from sitewarden.config.overlay import with_store_sites
from sitewarden.config.plan import CheckSpec, plan_checks, site_info
from sitewarden.engine.pools import Pools
from sitewarden.engine.runner import run_probe
from sitewarden.engine.scheduler import Scheduler, next_due
from sitewarden.engine.shards import RENEW_EVERY, ShardKeeper, shard_of
from sitewarden.engine.state import advance, new_state
from sitewarden.engine.writer import PendingWrite, ResultWriter
from sitewarden.errors import StoreError
from sitewarden.events.availability import acknowledgement_event, transition_event
from sitewarden.events.model import Event
from sitewarden.probes.base import Probe, ProbeContext, SiteInfo
from sitewarden.results import Result, Status, utcnow
from sitewarden.states import CheckState, Transition
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.commands import Command, take_commands
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events
from sitewarden.store.results import prune_results
from sitewarden.store.rollups import prune_rollups
from sitewarden.store.sites import site_definitions_list
from sitewarden.store.states import load_states, save_states
from sitewarden.store.workers import publish_stats
from sitewarden.transport.http import HttpClient

logger = logging.getLogger(__name__)
FIRST_RUN_SPREAD = 30.0  # seconds over which the first runs after a start are spread
PRUNE_EVERY = 3600.0
CONTROL_EVERY = 1.0


class ResultListener(Protocol):
    """Something that wants every result as it happens (events, inventory snapshots, metrics)."""

    async def on_result(
        self, spec: CheckSpec, result: Result, state: CheckState, transition: Transition | None
    ) -> None: ...


@dataclass
class PlannedCheck:
    """A check with everything needed to run it: spec, probe instance, site, id and live state."""

    spec: CheckSpec
    probe: Probe[Any]
    site: SiteInfo | None
    check_id: int
    state: CheckState
    due: float = 0.0


@dataclass
class EngineStats:
    """Figures the metrics endpoint and the status table show."""

    runs: int = 0
    running: int = 0
    last_lag: float = 0.0
    started_at: float = field(default_factory=time.monotonic)


class Engine:
    """Owns the schedule and the checks' live states for one process."""

    def __init__(
        self,
        config: Config,
        database: Database,
        *,
        only: Sequence[str] = (),
        listeners: Sequence[ResultListener] = (),
        http: HttpClient | None = None,
        services: dict[str, Any] | None = None,
        worker_name: str | None = None,
        shards: ShardKeeper | None = None,
    ) -> None:
        self.base_config = config
        self.config = config
        self.database = database
        self.worker_name = worker_name or f"{socket.gethostname()}:{os.getpid()}"
        self._store_sites: set[str] = set()
        self.started_at = utcnow()
        self.listeners = list(listeners)
        self.http = http or HttpClient()
        self.services = services or {}
        self.shards = shards
        self.writer = ResultWriter(database, fence=shards.fence if shards is not None else None)
        self.stats = EngineStats()
        self.scheduler = Scheduler()
        self._pools: Pools | None = None
        self._running: dict[str, asyncio.Task[None]] = {}
        self.checks: dict[str, PlannedCheck] = {}
        self._prepare(only)

    def _prepare(self, only: Sequence[str]) -> None:
        self._only = tuple(only)
        self.checks = self._plan(self._effective_config(), {})

    def _effective_config(self) -> Config:
        """The config file's sites plus the store-defined ones (API, `sites import`)."""
        with self.database.transaction() as connection:
            definitions = site_definitions_list(connection)
        self._store_sites = {str(definition.get("name")) for definition in definitions}
        return with_store_sites(self.base_config, definitions)

    def _plan(self, config: Config, current: dict[str, PlannedCheck]) -> dict[str, PlannedCheck]:
        """Mirror the sites and checks into the store and build the runnable checks, keeping live states."""
        self.config = config
        all_specs = plan_checks(config)
        specs = [spec for spec in all_specs if spec.enabled and _selected(spec, self._only)]
        sites = {site.name: site for site in config.sites}
        now = utcnow()
        with self.database.transaction() as connection:
            site_rows = _site_rows(config, self._store_sites)
            ids = sync_config(connection, site_rows, _check_rows(all_specs, self._store_sites), now)
            fresh = [ids[spec.key] for spec in specs if spec.key not in current]
            states = load_states(connection, fresh) if fresh else {}
        kinds = check_kinds()
        planned: dict[str, PlannedCheck] = {}
        for spec in specs:
            check_id = ids[spec.key]
            old = current.get(spec.key)
            site = site_info(sites[spec.site]) if spec.site else None
            if old is not None:
                # Keep the object: a run in progress updates this same state.
                if old.spec.kind != spec.kind:
                    old.probe = kinds[spec.kind]()
                old.spec, old.site, old.check_id = spec, site, check_id
                planned[spec.key] = old
                continue
            planned[spec.key] = PlannedCheck(
                spec=spec,
                probe=kinds[spec.kind](),
                site=site,
                check_id=check_id,
                state=states.get(check_id) or new_state(now),
            )
        return planned

    def reload(self) -> tuple[int, int]:
        """Re-read store-defined sites: schedule new checks, drop removed ones; returns (added, removed)."""
        before = self.checks
        self.checks = self._plan(self._effective_config(), before)
        now = time.monotonic()
        added = [key for key in self.checks if key not in before]
        removed = [key for key in before if key not in self.checks]
        for key in added:
            check = self.checks[key]
            if self._mine(key):
                check.due = self.scheduler.schedule_first(key, now, check.spec.interval, FIRST_RUN_SPREAD)
        for key in removed:
            self.scheduler.remove(key)
        if added or removed:
            logger.info("checks reloaded added=%d removed=%d", len(added), len(removed))
        return len(added), len(removed)

    @property
    def pools(self) -> Pools:
        if self._pools is None:
            self._pools = Pools(self.config.pools.limits())
        return self._pools

    async def run_once(self) -> list[tuple[CheckSpec, Result]]:
        """Run every selected check once (paused ones included: a cron run is an explicit request)."""
        self.writer.start()
        try:
            outcomes = await asyncio.gather(*(self._run_one(check) for check in self.checks.values()))
        finally:
            await self.writer.stop()
        return [(check.spec, result) for check, result in zip(self.checks.values(), outcomes, strict=True)]

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run checks on their schedules until `stop` is set; then finish running checks and flush."""
        self.writer.start()
        if self.shards is not None:
            await self._rebalance()
        now = time.monotonic()
        for key, check in self.checks.items():
            if self._mine(key):
                check.due = self.scheduler.schedule_first(key, now, check.spec.interval, FIRST_RUN_SPREAD)
        next_shards = now + RENEW_EVERY
        next_prune = now + 60.0
        next_control = now
        logger.info("engine started checks=%d worker=%s", len(self.checks), self.worker_name)
        try:
            while not stop.is_set():
                now = time.monotonic()
                for key in self.scheduler.pop_due(now):
                    self._start(key, now)
                if now >= next_prune:
                    next_prune = now + PRUNE_EVERY
                    self._spawn(self.prune(), "prune")
                if now >= next_control:
                    next_control = now + CONTROL_EVERY
                    await self._control()
                if self.shards is not None and now >= next_shards:
                    next_shards = now + RENEW_EVERY
                    await self._rebalance()
                wake = self.scheduler.next_due()
                delay = 1.0 if wake is None else min(max(wake - time.monotonic(), 0.0), 1.0)
                if delay > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
        finally:
            await self._drain()
            await self.writer.stop()
            if self.shards is not None:
                with contextlib.suppress(StoreError):
                    await asyncio.to_thread(self.shards.release_all)
            logger.info("engine stopped runs=%d written=%d", self.stats.runs, self.writer.written)

    def _mine(self, key: str) -> bool:
        return self.shards is None or self.shards.owns(key)

    async def _rebalance(self) -> None:
        """Renew and rebalance shard leases; schedule the checks of shards won, drop those of shards lost."""
        assert self.shards is not None
        try:
            gained, lost = await asyncio.to_thread(self.shards.maintain)
        except StoreError as exc:
            logger.warning("cannot renew shard leases error=%s", exc)
            return
        if not gained and not lost:
            return
        now = time.monotonic()
        for key, check in self.checks.items():
            shard = shard_of(key, self.shards.count)
            if shard in lost:
                self.scheduler.remove(key)
            elif shard in gained and key not in self.scheduler and key not in self._running:
                check.due = self.scheduler.schedule_first(key, now, check.spec.interval, RENEW_EVERY)

    async def _control(self) -> None:
        """Take commands from the web/CLI and publish this engine's figures (once a second)."""
        try:
            commands = await asyncio.to_thread(self._exchange)
        except StoreError as exc:
            logger.warning("cannot exchange commands with the store error=%s", exc)
            return
        for command in commands:
            self._apply(command)

    def _exchange(self) -> list[Command]:
        now = utcnow()
        with self.database.transaction() as connection:
            commands = take_commands(connection, self.worker_name, now, set(self.checks))
            for command in commands:
                check = self.checks.get(command.check_key)
                if command.action == "acknowledge" and check is not None:
                    insert_events(connection, [acknowledgement_event(check.spec, command.requested_by, now)])
            publish_stats(connection, self.worker_name, self.started_at, self.figures(), now)
        return commands

    def _apply(self, command: Command) -> None:
        check = self.checks.get(command.check_key)
        if command.action == "reload":
            self.reload()
        elif check is None:
            return
        elif command.action == "run_now":
            self.run_now(command.check_key)
        elif command.action in ("pause", "resume"):
            check.state.paused = command.action == "pause"
            self._spawn(asyncio.to_thread(self._save_state, check.check_id, check.state), "save-state")
        logger.info("command applied action=%s check=%s by=%s", command.action, command.check_key, command.requested_by)

    def _save_state(self, check_id: int, state: CheckState) -> None:
        with self.database.transaction() as connection:
            save_states(connection, {check_id: state}, utcnow())

    def figures(self) -> dict[str, Any]:
        """Live figures for /metrics: checks, runs, lag, queue sizes, pools in use."""
        return {
            "checks": len(self.checks),
            "runs": self.stats.runs,
            "running": len(self._running),
            "lag_seconds": round(self.stats.last_lag, 3),
            "write_queue": self.writer.queue.qsize(),
            "written": self.writer.written,
            "failed_batches": self.writer.failed_batches,
            "pools": self.pools.snapshot(),
        }

    async def run_check(self, key: str) -> Result:
        """Run one check now, outside its schedule, with everything a scheduled run does (state, store, listeners)."""
        return await self._run_one(self.checks[key])

    def run_now(self, key: str) -> bool:
        """Move a check to the front of the schedule (the dashboard's "run now")."""
        if key not in self.checks or key in self._running:
            return False
        self.scheduler.schedule(key, time.monotonic())
        return True

    def _start(self, key: str, now: float) -> None:
        check = self.checks[key]
        if key in self._running:
            return
        self.stats.last_lag = max(0.0, now - check.due)
        if check.state.paused:
            check.due = next_due(check.due, check.spec.interval, now)
            self.scheduler.schedule(key, check.due)
            return
        task = asyncio.create_task(self._run_and_reschedule(check), name=f"check:{key}")
        self._running[key] = task
        self.stats.running = len(self._running)

    async def _run_and_reschedule(self, check: PlannedCheck) -> None:
        try:
            await self._run_one(check)
        finally:
            self._running.pop(check.spec.key, None)
            self.stats.running = len(self._running)
            if self.checks.get(check.spec.key) is check and self._mine(check.spec.key):  # still ours to run
                now = time.monotonic()
                ok = check.state.soft is Status.OK and check.state.hard in (None, Status.OK)
                interval = check.spec.interval if ok else check.spec.retry_interval
                check.due = next_due(check.due, interval, now)
                self.scheduler.schedule(check.spec.key, check.due)

    async def _run_one(self, check: PlannedCheck) -> Result:
        spec = check.spec
        ctx = ProbeContext(
            http=self.http,
            site=check.site,
            timeout=spec.timeout,
            check_key=spec.key,
            memory=check.state.memory,
            services=self.services,
        )
        result = await run_probe(check.probe, spec.params, ctx, self.pools, spec.key)
        self.stats.runs += 1
        state, transition = advance(check.state, result, spec.failure_threshold, spec.success_threshold)
        check.state = state
        events: tuple[Event, ...] = ()
        if transition is not None:
            events = (transition_event(spec, transition, result),)
            logger.info(
                "state changed check=%s from=%s to=%s summary=%s",
                spec.key,
                transition.old.label if transition.old is not None else "pending",
                transition.new.label,
                result.summary,
            )
        await self.writer.put(PendingWrite(check.check_id, result, state, events, spec.key))
        for listener in self.listeners:
            try:
                await listener.on_result(spec, result, state, transition)
            except Exception:
                logger.exception("result listener failed check=%s listener=%s", spec.key, type(listener).__name__)
        return result

    async def prune(self) -> None:
        """Delete raw results and rollups past their retention."""
        retention = self.config.store.retention
        now = utcnow()

        def work() -> tuple[int, int]:
            with self.database.transaction() as connection:
                raw = prune_results(connection, now - timedelta(seconds=retention.results))
                hourly = prune_rollups(connection, now - timedelta(seconds=retention.hourly))
            return raw, hourly

        raw, hourly = await asyncio.to_thread(work)
        if raw or hourly:
            logger.info("pruned results=%d rollups=%d", raw, hourly)

    def _spawn(self, coroutine: Any, name: str) -> None:
        task = asyncio.create_task(coroutine, name=name)
        task.add_done_callback(_log_failure)

    async def _drain(self) -> None:
        if self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("background task failed task=%s error=%s", task.get_name(), task.exception())


def _selected(spec: CheckSpec, only: Sequence[str]) -> bool:
    if not only:
        return True
    return any(name in (spec.key, spec.site, spec.name) for name in only)


def _site_rows(config: Config, store_sites: set[str]) -> list[SiteRow]:
    return [
        SiteRow(
            site.name, site.url, list(site.groups), list(site.contacts), "api" if site.name in store_sites else "config"
        )
        for site in config.sites
    ]


def _check_rows(specs: list[CheckSpec], store_sites: set[str]) -> list[CheckRow]:
    return [
        CheckRow(
            source="api" if spec.site in store_sites else "config",
            key=spec.key,
            site=spec.site,
            name=spec.name,
            kind=spec.kind,
            params=spec.params.model_dump(mode="json", exclude_none=True),
            interval=spec.interval,
        )
        for spec in specs
    ]
