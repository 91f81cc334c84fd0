"""The engine: one process's schedule of checks, composed of planning, dispatch, execution, commands, shards and
housekeeping; this module wires them together and runs the loop that drives them."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sitewarden.clock import SYSTEM_CLOCK, Clock, wait_or_stop
from sitewarden.config.models import Config
from sitewarden.config.plan import CheckSpec
from sitewarden.engine.background import spawn
from sitewarden.engine.commands import CONTROL_EVERY, CommandHandler
from sitewarden.engine.dispatch import Dispatcher
from sitewarden.engine.execution import CheckExecutor, ResultListener
from sitewarden.engine.figures import EngineStats
from sitewarden.engine.housekeeping import FIRST_PRUNE_AFTER, PRUNE_EVERY, prune
from sitewarden.engine.load import LoadWatch, offered_rate
from sitewarden.engine.ownership import Ownership
from sitewarden.engine.planning import CheckDiff, Plan, PlannedCheck, Planner, apply_diff, build_checks, diff_checks
from sitewarden.engine.pools import Pools
from sitewarden.engine.scheduler import Scheduler
from sitewarden.engine.shards import RENEW_EVERY, ShardKeeper
from sitewarden.engine.writer import ResultWriter
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.memory import collections_paused, release, settle_heap, switching_often
from sitewarden.results import Result
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events
from sitewarden.transport.http import HttpClient

__all__ = ["Engine", "PlannedCheck", "ResultListener"]
logger = logging.getLogger(__name__)
WAKE_GRAIN = 0.002
"""The loop sleeps at least this long between two starts: at thousands of checks a second it wakes once for the
checks due within it instead of once per due time (each wake costs more than a run's scheduling), and the start
lag this adds stays within the histogram's first bucket (5 ms)."""


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
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.base_config = config
        self.database = database
        self.clock = clock
        self.worker_name = worker_name or f"{socket.gethostname()}:{os.getpid()}"
        self.started_at = clock.now()
        self.listeners = list(listeners)
        self.http = http or HttpClient()
        self.services = services or {}
        self.shards = shards
        self.writer = ResultWriter(database, fence=shards.fence if shards is not None else None)
        self.stats = EngineStats(started_at=clock.monotonic())
        self._pools: Pools | None = None
        self._reloading = asyncio.Lock()  # a SIGHUP and a reload command never apply their plans interleaved
        self.planner = Planner(config, database, only)
        plan = self.planner.sync(set(), clock.now())
        self.config = plan.config
        self.checks: dict[str, PlannedCheck] = build_checks(plan, {})
        self.ownership = Ownership(shards)
        self.executor = CheckExecutor(
            http=self.http,
            services=self.services,
            pools=lambda: self.pools,
            writer=self.writer,
            listeners=self.listeners,
            stats=self.stats,
            clock=clock,
            sample_every=self.config.store.sample_every,
        )
        self.dispatcher = Dispatcher(
            lambda: self.checks,
            self.executor.run,
            self.ownership.mine,
            clock,
            self.stats,
            config.defaults.jitter,
            max_running=2 * sum(self.config.pools.limits().values()),  # keeps every pool busy, nothing more
        )
        self.load = LoadWatch()
        self.commands = CommandHandler(
            database, self.worker_name, self.started_at, clock, reload=self.reload, run_now=self.run_now
        )

    @property
    def scheduler(self) -> Scheduler:
        return self.dispatcher.scheduler

    @property
    def pools(self) -> Pools:
        if self._pools is None:
            self._pools = Pools(self.config.pools.limits())
        return self._pools

    async def reload(self) -> tuple[int, int]:
        """Re-read store-defined sites (in a thread): schedule new checks, drop removed ones; (added, removed).

        The plan and its diff against the running checks are computed in a thread; the loop only applies the
        changes, so reloading a large fleet in which ten checks changed costs the loop milliseconds.
        """
        async with self._reloading:
            return await self._reload()

    async def reload_file(self, config: Config) -> tuple[int, int]:
        """Take the config file as read again (SIGHUP): its sites and checks replace the running ones (schedules,
        thresholds, push tokens, heartbeats), with the store-defined sites laid over them as at start.

        Settings outside sites and checks (store, pools, web, targets) keep their start-up values until a restart.
        """
        async with self._reloading:
            self.base_config = config
            self.planner.base_config = config
            return await self._reload()

    async def _reload(self) -> tuple[int, int]:
        # The plan's new objects are frozen once applied; until then the collector stays off (on the loop too):
        # with it on, young and middle collections walked the hundreds of thousands of objects the thread was
        # building, holding the GIL (a 140 ms loop stall at 100,000 checks).
        with collections_paused():
            with switching_often():
                plan, diff = await asyncio.to_thread(self._plan, self.clock.now())
            self.config = plan.config
            offered = self._offered_change(diff)
            apply_diff(self.checks, diff)
            now = self.clock.monotonic()
            for key in diff.added:
                if self.ownership.mine(key):
                    self.dispatcher.schedule_first(key, now)
            for key in diff.removed:
                self.dispatcher.remove(key)
            for old, *_ in diff.changed:
                key = old.spec.key
                if self.ownership.mine(key) and key not in self.dispatcher.running:
                    self.dispatcher.schedule_first(key, now)  # a new interval moves its phase
            self.load.offered = max(self.load.offered + offered, 0.0)
            settle_heap(collect=False)  # the new plan lives as long as the process
        if diff.added or diff.removed or diff.changed:
            logger.info(
                "checks reloaded added=%d changed=%d removed=%d", len(diff.added), len(diff.changed), len(diff.removed)
            )
        return len(diff.added), len(diff.removed)

    def _plan(self, at: datetime) -> tuple[Plan, CheckDiff]:
        """In a thread: the new plan and its diff against the running checks (only a reload changes `checks`, and
        reloads hold `_reloading`, so the walk over them sees no change)."""
        plan = self.planner.sync(set(self.checks), at)
        diff = diff_checks(plan, self.checks)
        release(plan.specs)  # a fleet of specs the diff no longer needs: freed here, not on the loop
        release(plan.ids)
        return plan, diff

    def _offered_change(self, diff: CheckDiff) -> float:
        """What `diff` changes in the offered rate (this worker's shards): a walk over the changes, not the fleet."""
        mine = self.ownership.mine
        gone = [self.checks[key].spec.interval for key in diff.removed if mine(key)]
        gone += [old.spec.interval for old, *_ in diff.changed if mine(old.spec.key)]
        came = [check.spec.interval for key, check in diff.added.items() if mine(key)]
        came += [spec.interval for _, spec, *_ in diff.changed if mine(spec.key)]
        return offered_rate(came) - offered_rate(gone)

    async def run_once(self) -> list[tuple[CheckSpec, Result]]:
        """Run every selected check once (paused ones included: a cron run is an explicit request)."""
        self.writer.start()
        try:
            outcomes = await asyncio.gather(*(self.executor.run(check) for check in self.checks.values()))
        finally:
            await self.writer.stop()
        return [(check.spec, result) for check, result in zip(self.checks.values(), outcomes, strict=True)]

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run checks on their schedules until `stop` is set; then finish running checks and flush."""
        self.writer.start()
        clock = self.clock
        renew_every = self.shards.renew_every if self.shards is not None else RENEW_EVERY
        settle_heap()  # the plan and states live for the whole run; before scheduling, so no check waits for it
        now = clock.monotonic()
        await self.ownership.rebalance(self.dispatcher, now)
        mine = self.ownership.mine
        self.dispatcher.schedule_all((key for key in self.checks if mine(key)), now)
        self._measure_offered()
        next_shards = now + renew_every
        next_prune = now + FIRST_PRUNE_AFTER
        next_control = now
        logger.info("engine started checks=%d worker=%s", len(self.checks), self.worker_name)
        try:
            while not stop.is_set():
                now = clock.monotonic()
                self.dispatcher.start_due(now)
                if now >= next_prune:
                    next_prune = now + PRUNE_EVERY
                    spawn(self.prune(), "prune")
                if now >= next_control:
                    next_control = now + CONTROL_EVERY
                    self._watch_load(now)
                    await self.commands.poll(self.checks, self.figures())
                if now >= next_shards:
                    next_shards = now + renew_every
                    if await self.ownership.rebalance(self.dispatcher, now):
                        self._measure_offered()  # a walk over the whole fleet: only when the share changed
                if self.dispatcher.saturated(clock.monotonic()):
                    await self.dispatcher.wait_for_slot(1.0)
                    continue
                wake = self.dispatcher.next_due()
                delay = 1.0 if wake is None else min(max(wake - clock.monotonic(), 0.0), 1.0)
                if delay > 0:
                    await wait_or_stop(clock, stop, max(delay, WAKE_GRAIN))
        finally:
            await self.dispatcher.drain()
            await self.writer.stop()
            await self.ownership.release()
            logger.info("engine stopped runs=%d written=%d", self.stats.runs, self.writer.written)

    def figures(self) -> dict[str, Any]:
        """Live figures for /metrics: checks, runs, lag, queue sizes, pools in use."""
        p50, p99 = self.stats.lag.percentiles(0.5, 0.99)
        return {
            "checks": len(self.checks),
            "runs": self.stats.runs,
            "running": len(self.dispatcher.running),
            "lag_seconds": round(self.stats.last_lag, 3),
            "lag_p50_seconds": round(p50, 3),
            "lag_p99_seconds": round(p99, 3),
            "lag_histogram": self.stats.lag.snapshot(),
            "offered_per_second": round(self.load.offered, 1),
            "started_per_second": round(self.load.running, 1),
            "overloaded": self.load.overloaded,
            "write_queue": self.writer.queue.qsize(),
            "written": self.writer.written,
            "folded": self.writer.folded,
            "failed_batches": self.writer.failed_batches,
            "pools": self.pools.snapshot(),
        }

    def _measure_offered(self) -> None:
        """Checks per second this worker's schedule asks for (its own shards only)."""
        mine = self.ownership.mine
        self.load.offered = offered_rate(check.spec.interval for key, check in self.checks.items() if mine(key))

    def _watch_load(self, now: float) -> None:
        message = self.load.sample(now, self.stats.lag.count, self.stats.lag.percentile(0.5))
        if message is None:
            return
        logger.warning("engine overloaded worker=%s %s", self.worker_name, message)
        event = Event(
            type=EventType.SYSTEM,
            severity=Severity.WARNING,
            channel=f"system.engine.{self.worker_name}",
            message=f"sitewarden is overloaded: {message}",
            payload={"offered_per_second": self.load.offered, "started_per_second": self.load.running},
        )
        spawn(asyncio.to_thread(self._store_event, event), "overload-event")

    def _store_event(self, event: Event) -> None:
        with self.database.transaction() as connection:
            insert_events(connection, [event])

    async def run_check(self, key: str) -> Result:
        """Run one check now, outside its schedule, with everything a scheduled run does (state, store, listeners)."""
        return await self.executor.run(self.checks[key])

    def run_now(self, key: str) -> bool:
        """Move a check to the front of the schedule (the dashboard's "run now")."""
        return self.dispatcher.run_now(key)

    async def prune(self) -> None:
        """Delete raw results and rollups past their retention."""
        await prune(self.database, self.config.store.retention, self.clock)
