"""The spread schedule on a fake clock: N/T starts per second, phases kept over restarts, retries not bunched."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta

from sitewarden.config.plan import CheckSpec
from sitewarden.engine.dispatch import Dispatcher
from sitewarden.engine.figures import EngineStats
from sitewarden.engine.ownership import Ownership
from sitewarden.engine.planning import PlannedCheck
from sitewarden.engine.scheduler import phase_slot, stable_fraction
from sitewarden.engine.shards import shard_of
from sitewarden.probes.http import HttpParams, HttpProbe
from sitewarden.results import Result, Status
from sitewarden.states import CheckState
from tests.fixtures.clock import FakeClock

FLEET = 20_000
INTERVAL = 100.0


def _checks(count: int, interval: float = INTERVAL, retry: float = 10.0) -> dict[str, PlannedCheck]:
    params = HttpParams(url="http://127.0.0.1/")
    checks: dict[str, PlannedCheck] = {}
    for number in range(count):
        key = f"site{number}/web"
        spec = CheckSpec(key, f"site{number}", "web", "http", params, interval, retry, 5.0, 1, 1)
        checks[key] = PlannedCheck(spec, HttpProbe(), None, number, _state(Status.OK, datetime.now()))
    return checks


def _state(status: Status, at: datetime) -> CheckState:
    return CheckState(status, at, status)


class _Runs:
    """Stands in for the executor: records the fake time of every start and leaves the check `status`."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.starts: list[tuple[str, float]] = []
        self.status: dict[str, Status] = {}

    async def __call__(self, check: PlannedCheck, due: float) -> Result:
        self.starts.append((check.spec.key, self.clock.monotonic()))
        status = self.status.get(check.spec.key, Status.OK)
        check.state = _state(status, self.clock.now())
        check.state.last_result_at = self.clock.now()  # as the state machine records a result's start
        return Result(status, "stand-in")


async def _step(clock: FakeClock, dispatcher: Dispatcher, seconds: int, tick: float = 0.25) -> None:
    for _ in range(int(seconds / tick)):
        clock.advance(tick)
        dispatcher.start_due(clock.monotonic())
        await asyncio.sleep(0)
        await asyncio.sleep(0)


def _dispatcher(checks: dict[str, PlannedCheck], runs: _Runs, clock: FakeClock) -> Dispatcher:
    dispatcher = Dispatcher(lambda: checks, runs, lambda key: True, clock, EngineStats())
    for key in checks:
        dispatcher.schedule_first(key, clock.monotonic())
    return dispatcher


def test_a_phase_slot_lies_on_the_checks_phase_within_one_interval() -> None:
    slot = phase_slot("shop/web", 60.0, 1_000_000.0)
    assert 1_000_000.0 <= slot < 1_000_060.0
    assert abs((slot - stable_fraction("shop/web") * 60.0) % 60.0) < 1e-6
    assert phase_slot("shop/web", 60.0, slot) == slot


async def test_a_fleet_starts_n_over_t_per_second_from_the_first_interval_on() -> None:
    clock = FakeClock()
    checks = _checks(FLEET)
    runs = _Runs(clock)
    dispatcher = _dispatcher(checks, runs, clock)
    await _step(clock, dispatcher, int(2 * INTERVAL))
    per_second = Counter(int(at) for _, at in runs.starts)
    expected = FLEET / INTERVAL
    assert len(runs.starts) == 2 * FLEET  # every check once per interval, none twice
    assert all(0.6 * expected <= per_second[second] <= 1.4 * expected for second in range(1, int(2 * INTERVAL)))
    per_ten = Counter(int(at) // 10 for _, at in runs.starts)
    assert all(0.9 * expected * 10 <= per_ten[window] <= 1.1 * expected * 10 for window in range(1, 19))


async def test_a_restart_keeps_every_checks_phase() -> None:
    clock = FakeClock()
    checks = _checks(500)
    runs = _Runs(clock)
    first = _dispatcher(checks, runs, clock)
    await _step(clock, first, int(INTERVAL))
    before = {key for key, _ in runs.starts}
    clock.advance(1234.0)  # the daemon was down for a while
    runs.starts.clear()
    second = _dispatcher(checks, runs, clock)
    await _step(clock, second, int(INTERVAL))
    assert {key for key, _ in runs.starts} == before == set(checks)
    phases = {key: stable_fraction(key) * INTERVAL for key in checks}
    offset = clock.start.timestamp() % INTERVAL
    for key, at in runs.starts:
        assert abs(((at + offset - phases[key]) + 0.5) % INTERVAL - 0.5) < 0.3  # on its phase, within one tick


async def test_failing_checks_retry_at_retry_interval_as_spread_as_they_ran() -> None:
    clock = FakeClock()
    checks = _checks(2_000, interval=INTERVAL, retry=10.0)
    runs = _Runs(clock)
    runs.status = dict.fromkeys(checks, Status.ERROR)  # an outage: every check fails
    dispatcher = _dispatcher(checks, runs, clock)
    await _step(clock, dispatcher, int(INTERVAL))
    by_check: dict[str, list[float]] = {}
    for key, at in runs.starts:
        by_check.setdefault(key, []).append(at)
    gaps = [later - earlier for times in by_check.values() for earlier, later in zip(times, times[1:], strict=False)]
    assert gaps and all(9.75 <= gap <= 10.25 for gap in gaps)
    per_second = Counter(int(at) for _, at in runs.starts if at > 10)
    assert max(per_second.values()) <= 3 * (2_000 / 10.0)  # retries stay spread: no second-long burst
    runs.status.clear()  # recovered: each check goes back to its phase
    runs.starts.clear()
    await _step(clock, dispatcher, int(2 * INTERVAL))
    offset = clock.start.timestamp() % INTERVAL
    late = [(key, at) for key, at in runs.starts if at > clock.monotonic() - INTERVAL]
    assert late
    for key, at in late:
        assert abs(((at + offset - stable_fraction(key) * INTERVAL) + 0.5) % INTERVAL - 0.5) < 0.3


async def test_beyond_max_running_due_checks_wait_on_the_heap_not_as_tasks() -> None:
    clock = FakeClock()
    checks = _checks(50, interval=10.0)
    release = asyncio.Event()
    started: list[str] = []

    async def slow(check: PlannedCheck, due: float) -> Result:
        started.append(check.spec.key)
        await release.wait()
        return Result(Status.OK, "stand-in")

    dispatcher = Dispatcher(lambda: checks, slow, lambda key: True, clock, EngineStats(), max_running=5)
    for key in checks:
        dispatcher.schedule_first(key, clock.monotonic())
    clock.advance(10.0)
    dispatcher.start_due(clock.monotonic())
    await asyncio.sleep(0)
    assert len(dispatcher.running) == 5 and len(started) == 5 and len(dispatcher.scheduler) == 45
    assert dispatcher.saturated(clock.monotonic())
    release.set()
    await dispatcher.wait_for_slot(1.0)
    dispatcher.start_due(clock.monotonic())
    await asyncio.sleep(0)
    assert len(started) == 10 and len(dispatcher.running) <= 5  # the next five, once the first five ended


class _Leases:
    """Stands in for a worker's shard keeper: holds the shards it is given, reports them gained once, and reads
    the stored states from the checks of the worker that ran them before (what its writer stored)."""

    count = 16
    ttl = timedelta(seconds=15.0)
    renew_every = 5.0

    def __init__(self, stored: dict[str, PlannedCheck] | None = None) -> None:
        self.held: set[int] = set()
        self.pending: set[int] = set()
        self.stored = stored or {}

    def stored_states(self, check_ids: list[int]) -> dict[int, CheckState]:
        wanted = set(check_ids)
        return {check.check_id: check.state for check in self.stored.values() if check.check_id in wanted}

    def owns(self, key: str) -> bool:
        return shard_of(key, self.count) in self.held

    def maintain(self) -> tuple[set[int], set[int]]:
        gained, self.pending = self.pending, set()
        self.held |= gained
        return gained, set()


async def test_a_worker_that_gains_a_shard_continues_each_checks_phase() -> None:
    clock = FakeClock()
    first_runs, second_runs = _Runs(clock), _Runs(clock)
    first = _dispatcher(_checks(800), first_runs, clock)
    await _step(clock, first, int(INTERVAL) + 30)
    leases = _Leases()
    second_checks = _checks(800)
    second = Dispatcher(lambda: second_checks, second_runs, leases.owns, clock, EngineStats())
    leases.pending = set(range(leases.count))  # the first worker died: every shard moves to the second
    await Ownership(leases).rebalance(second, clock.monotonic())  # type: ignore[arg-type]
    first_checks = first.checks()
    for key in first_checks:
        first.remove(key)  # its leases are gone
    await _step(clock, second, int(INTERVAL))
    assert {key for key, _ in second_runs.starts} == set(first_checks)  # each once, none twice
    assert max(Counter(int(at) for _, at in second_runs.starts).values()) <= 4 * 800 / INTERVAL  # no burst
    last_before = {key: at for key, at in first_runs.starts}
    for key, at in second_runs.starts:
        assert abs(at - last_before[key] - INTERVAL) < 0.3  # one interval after its last run, on its phase


def _gaps(*runs: _Runs) -> list[float]:
    """Seconds between consecutive starts of each check, over the runs of several workers."""
    by_check: dict[str, list[float]] = {}
    for run in runs:
        for key, at in run.starts:
            by_check.setdefault(key, []).append(at)
    return [b - a for times in by_check.values() for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]


async def _take_over(clock: FakeClock, first: Dispatcher, first_checks: dict[str, PlannedCheck], runs: _Runs,
                     stale: float) -> Dispatcher:  # fmt: skip
    """A second worker, running already (its first claim was empty), wins every shard of the first one; it
    schedules them with a `now` read `stale` seconds before the claim (the claim's transaction took that long)."""
    leases = _Leases(stored=first_checks)
    second_checks = _checks(len(first_checks))
    second = Dispatcher(lambda: second_checks, runs, leases.owns, clock, EngineStats())
    ownership = Ownership(leases)  # type: ignore[arg-type]
    await ownership.rebalance(second, clock.monotonic())  # its start: nothing to claim yet
    leases.pending = set(range(leases.count))
    await ownership.rebalance(second, clock.monotonic() - stale)
    return second


async def test_a_dead_workers_checks_run_again_without_a_miss_or_a_repeat() -> None:
    clock = FakeClock()
    first_runs, second_runs = _Runs(clock), _Runs(clock)
    first_checks = _checks(800)
    first = _dispatcher(first_checks, first_runs, clock)
    await _step(clock, first, int(INTERVAL) + 30)
    for key in first_checks:
        first.remove(key)  # killed: it runs nothing more, and its leases run out after 15 s
    clock.advance(18.0)
    second = await _take_over(clock, first, first_checks, second_runs, stale=0.0)
    await _step(clock, second, int(2 * INTERVAL))
    gaps = _gaps(first_runs, second_runs)
    assert gaps and min(gaps) >= 0.5 * INTERVAL  # no check ran twice within half an interval
    assert max(gaps) <= 1.5 * INTERVAL  # the slots that passed while nobody held the shards ran late, not never
    late = [at for _, at in second_runs.starts if at < clock.monotonic() - 2 * INTERVAL + 10]
    assert 0 < max(Counter(int(at) for at in late).values()) <= 60  # about 150 late ones spread over 5 s


async def test_a_shard_handed_over_while_running_repeats_no_run() -> None:
    clock = FakeClock()
    first_runs, second_runs = _Runs(clock), _Runs(clock)
    first_checks = _checks(800)
    first = _dispatcher(first_checks, first_runs, clock)
    await _step(clock, first, int(INTERVAL) + 30)
    for key in first_checks:
        first.remove(key)  # released on rebalancing: the first worker ran every slot up to now
    second = await _take_over(clock, first, first_checks, second_runs, stale=3.0)
    await _step(clock, second, int(2 * INTERVAL))
    gaps = _gaps(first_runs, second_runs)
    assert gaps and min(gaps) >= 0.5 * INTERVAL and max(gaps) <= 1.5 * INTERVAL
    assert {key for key, _ in second_runs.starts} == set(first_checks)
