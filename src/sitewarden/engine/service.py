"""The engine: schedules every check, runs it in its pool, advances its state and hands results to the writer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from sitewarden.config.kinds import check_kinds
from sitewarden.config.models import Config
from sitewarden.config.plan import CheckSpec, plan_checks, site_info
from sitewarden.engine.pools import Pools
from sitewarden.engine.runner import run_probe
from sitewarden.engine.scheduler import Scheduler, next_due
from sitewarden.engine.state import Transition, advance, new_state
from sitewarden.engine.writer import PendingWrite, ResultWriter
from sitewarden.events.availability import transition_event
from sitewarden.events.model import Event
from sitewarden.probes.base import Probe, ProbeContext, SiteInfo
from sitewarden.results import Result, Status, utcnow
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database
from sitewarden.store.results import prune_results
from sitewarden.store.rollups import prune_rollups
from sitewarden.store.states import CheckState, load_states
from sitewarden.transport.http import HttpClient

logger = logging.getLogger(__name__)
FIRST_RUN_SPREAD = 30.0  # seconds over which the first runs after a start are spread
PRUNE_EVERY = 3600.0


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
    ) -> None:
        self.config = config
        self.database = database
        self.listeners = list(listeners)
        self.http = http or HttpClient()
        self.services = services or {}
        self.writer = ResultWriter(database)
        self.stats = EngineStats()
        self.scheduler = Scheduler()
        self._pools: Pools | None = None
        self._running: dict[str, asyncio.Task[None]] = {}
        self.checks: dict[str, PlannedCheck] = {}
        self._prepare(only)

    def _prepare(self, only: Sequence[str]) -> None:
        specs = [spec for spec in plan_checks(self.config) if spec.enabled and _selected(spec, only)]
        sites = {site.name: site for site in self.config.sites}
        now = utcnow()
        with self.database.transaction() as connection:
            ids = sync_config(connection, _site_rows(self.config), _check_rows(plan_checks(self.config)), now)
            states = load_states(connection, [ids[spec.key] for spec in specs])
        kinds = check_kinds()
        for spec in specs:
            check_id = ids[spec.key]
            site = site_info(sites[spec.site]) if spec.site else None
            self.checks[spec.key] = PlannedCheck(
                spec=spec,
                probe=kinds[spec.kind](),
                site=site,
                check_id=check_id,
                state=states.get(check_id) or new_state(now),
            )

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
        now = time.monotonic()
        for key, check in self.checks.items():
            check.due = self.scheduler.schedule_first(key, now, check.spec.interval, FIRST_RUN_SPREAD)
        next_prune = now + 60.0
        logger.info("engine started checks=%d", len(self.checks))
        try:
            while not stop.is_set():
                now = time.monotonic()
                for key in self.scheduler.pop_due(now):
                    self._start(key, now)
                if now >= next_prune:
                    next_prune = now + PRUNE_EVERY
                    self._spawn(self.prune(), "prune")
                wake = self.scheduler.next_due()
                delay = 1.0 if wake is None else min(max(wake - time.monotonic(), 0.0), 1.0)
                if delay > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
        finally:
            await self._drain()
            await self.writer.stop()
            logger.info("engine stopped runs=%d written=%d", self.stats.runs, self.writer.written)

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
        await self.writer.put(PendingWrite(check.check_id, result, state, events))
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


def _site_rows(config: Config) -> list[SiteRow]:
    return [SiteRow(site.name, site.url, list(site.groups), list(site.contacts)) for site in config.sites]


def _check_rows(specs: list[CheckSpec]) -> list[CheckRow]:
    return [
        CheckRow(
            key=spec.key,
            site=spec.site,
            name=spec.name,
            kind=spec.kind,
            params=spec.params.model_dump(mode="json", exclude_none=True),
            interval=spec.interval,
        )
        for spec in specs
    ]
