"""Starts the checks whose time has come, never one that is still running, and reschedules each at its phase."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable, Iterable

from sitewarden.clock import Clock
from sitewarden.engine.figures import EngineStats
from sitewarden.engine.planning import PlannedCheck
from sitewarden.engine.scheduler import Scheduler, next_due, phase_slot
from sitewarden.results import Result, Status
from sitewarden.states import CheckState

CATCH_UP_SPREAD = 5.0  # seconds over which the runs a shard's move made late are spread


class Dispatcher:
    """Turns due times into running tasks: one task per check at most, the next due time set when it ends."""

    def __init__(
        self,
        checks: Callable[[], dict[str, PlannedCheck]],
        run: Callable[[PlannedCheck, float], Awaitable[Result]],
        mine: Callable[[str], bool],
        clock: Clock,
        stats: EngineStats,
        jitter: float = 0.0,
        max_running: int | None = None,
    ) -> None:
        self.checks = checks
        self.run = run
        self.mine = mine
        self.clock = clock
        self.stats = stats
        self.jitter = jitter
        self.max_running = max_running
        self.scheduler = Scheduler()
        self.running: dict[str, asyncio.Task[None]] = {}
        self.slot_freed = asyncio.Event()

    def schedule_first(self, key: str, now: float) -> None:
        """A check's first run here (start, reload, shard won): its next phase slot, as if it had never stopped."""
        self.schedule_all((key,), now)

    def schedule_all(self, keys: Iterable[str], now: float) -> None:
        """`schedule_first` for many checks, reading the clocks once (a fleet's start schedules 100,000)."""
        checks = self.checks()
        offset = self._wall_offset()
        for key in keys:
            check = checks[key]
            check.due = self._on_phase(key, check.spec.interval, now, offset)
            self.scheduler.schedule(key, check.due)

    def resume_all(self, keys: Iterable[str], stored: dict[str, CheckState], now: float, catch_up: float) -> None:
        """Checks of shards taken over from another worker: each continues from its last stored result.

        The next run is the first phase slot at least half an interval after the check's last stored run (a retry
        interval after it while failing), so no run repeats one the previous owner made. A slot that passed while
        the shard had no owner (at most `catch_up` seconds: a dead worker's lease running out) and at most half an
        interval ago runs now, spread over a few seconds, instead of being skipped; older slots are skipped as on
        a restart. The stored state replaces the one read at start-up, which the previous owner has moved on since.
        """
        checks = self.checks()
        offset = self._wall_offset()  # monotonic + offset = wall seconds
        for key in keys:
            check = checks[key]
            spec = check.spec
            state = stored.get(key)
            if state is not None:
                check.state = state
            last = None
            if state is not None and state.last_result_at is not None:
                last = state.last_result_at.timestamp() - offset  # its last run's start, on the monotonic clock
            window = min(catch_up, spec.interval / 2)
            if last is not None and state is not None and not _ok(state):
                due = max(last + spec.retry_interval, now - window)
            else:
                reference = now - window if last is None else max(last + spec.interval / 2, now - window)
                due = self._on_phase(key, spec.interval, reference, offset)
            check.due = start = due  # a late run keeps its slot as due: its lag counts from there, and the
            if due < now:  # next run follows that slot; late ones start in the order of their slots
                start = now + min(CATCH_UP_SPREAD, spec.interval / 4) * (1.0 - (now - due) / window)
            self.scheduler.schedule(key, start)

    def _wall_offset(self) -> float:
        return self.clock.now().timestamp() - self.clock.monotonic()

    def _on_phase(self, key: str, interval: float, at_or_after: float, offset: float | None = None) -> float:
        """The check's next phase slot (wall-clock anchored) as a monotonic time, plus the optional jitter."""
        if offset is None:
            offset = self._wall_offset()
        due = phase_slot(key, interval, at_or_after + offset) - offset
        if self.jitter > 0:
            due += random.uniform(0.0, min(self.jitter, interval / 2))
        return due

    def is_idle(self, key: str) -> bool:
        """Neither scheduled nor running (a shard just won may hold checks its previous owner left running)."""
        return key not in self.scheduler and key not in self.running

    def remove(self, key: str) -> None:
        self.scheduler.remove(key)

    def next_due(self) -> float | None:
        return self.scheduler.next_due()

    def start_due(self, now: float) -> None:
        """Start the checks due at `now`, at most `max_running` at once; a paused one only moves to its next time.

        Beyond that cap due checks stay on the heap, not as tasks queued on a pool: an overloaded engine holds no
        task per waiting check, and their start lag still counts from their due time.
        """
        limit = None if self.max_running is None else self.max_running - len(self.running)
        if limit is not None and limit <= 0:
            return
        for key in self.scheduler.pop_due(now, limit):
            self._start(key, now)

    def saturated(self, now: float) -> bool:
        """At the cap with checks due: the loop should wait for a run to end, not for a due time."""
        due = self.scheduler.next_due()
        return self.max_running is not None and len(self.running) >= self.max_running and due is not None and due <= now

    async def wait_for_slot(self, longest: float) -> None:
        """Until a running check ends (or `longest` real seconds)."""
        self.slot_freed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.slot_freed.wait(), longest)

    def run_now(self, key: str) -> bool:
        """Move a check to the front of the schedule (the dashboard's "run now")."""
        if key not in self.checks() or key in self.running:
            return False
        self.scheduler.schedule(key, self.clock.monotonic())
        return True

    async def drain(self) -> None:
        """Wait for the running checks to finish."""
        if self.running:
            await asyncio.gather(*self.running.values(), return_exceptions=True)

    def _start(self, key: str, now: float) -> None:
        check = self.checks()[key]
        if key in self.running:
            return
        if check.state.paused:
            check.due = next_due(check.due, check.spec.interval, now)
            self.scheduler.schedule(key, check.due)
            return
        self.running[key] = asyncio.create_task(self._run_and_reschedule(check), name=f"check:{key}")
        self.stats.running = len(self.running)

    async def _run_and_reschedule(self, check: PlannedCheck) -> None:
        key = check.spec.key
        try:
            await self.run(check, check.due)
        finally:
            self.running.pop(key, None)
            self.stats.running = len(self.running)
            self.slot_freed.set()
            if self.checks().get(key) is check and self.mine(key):  # still ours to run
                now = self.clock.monotonic()
                check.due = self._next(check, now)
                self.scheduler.schedule(key, check.due)

    def _next(self, check: PlannedCheck, now: float) -> float:
        """Ok: the next phase slot (skipping missed ones); not ok: `retry_interval` after this run's due time.

        Retries count from the due time, not from the end of the run, so checks that failed together (an outage)
        retry as spread out as they ran; once ok again a check returns to its phase.
        """
        spec = check.spec
        if _ok(check.state):
            return self._on_phase(spec.key, spec.interval, max(check.due + spec.interval / 2, now))
        return next_due(check.due, spec.retry_interval, now)


def _ok(state: CheckState) -> bool:
    """Ok or not yet confirmed otherwise: the check runs at its phase, not at its retry interval."""
    return state.soft is Status.OK and state.hard in (None, Status.OK)
