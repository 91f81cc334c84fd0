"""One run of one check: the probe in its pool, the state advanced, the result queued, the listeners told."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sitewarden.clock import Clock
from sitewarden.config.plan import CheckSpec
from sitewarden.engine.figures import EngineStats
from sitewarden.engine.planning import PlannedCheck
from sitewarden.engine.pools import Pools
from sitewarden.engine.runner import run_probe
from sitewarden.engine.state import advance
from sitewarden.engine.writer import PendingWrite, ResultWriter
from sitewarden.events.availability import transition_event
from sitewarden.events.model import Event
from sitewarden.probes.base import ProbeContext
from sitewarden.results import Result, Status
from sitewarden.states import CheckState, Transition
from sitewarden.transport.http import HttpClient

logger = logging.getLogger(__name__)


class ResultListener(Protocol):
    """Something that wants every result as it happens (events, inventory snapshots, metrics)."""

    async def on_result(
        self, spec: CheckSpec, result: Result, state: CheckState, transition: Transition | None
    ) -> None: ...


class CheckExecutor:
    """Runs a planned check once and hands its result, new state and events to the writer and the listeners."""

    def __init__(
        self,
        *,
        http: HttpClient,
        services: dict[str, Any],
        pools: Callable[[], Pools],
        writer: ResultWriter,
        listeners: Sequence[ResultListener],
        stats: EngineStats,
        clock: Clock,
        sample_every: float = 3600.0,
    ) -> None:
        self.http = http
        self.services = services
        self.pools = pools
        self.writer = writer
        self.listeners = listeners
        self.stats = stats
        self.clock = clock
        self.sample_every = sample_every

    def _stored_in_full(
        self, check: PlannedCheck, result: Result, previous: Status | None, transition: Transition | None
    ) -> bool:
        """Whether a result gets its own row: every change, every non-ok result, one ok sample per period.

        An ok result after an ok one tells nothing new but its latency, which the hourly rollup keeps; a check
        whose certificate is read from its latest result always stores it.
        """
        now = self.clock.monotonic()
        repeat = result.status is Status.OK and previous is Status.OK and transition is None
        if repeat and not check.probe.yields_certificate and now - check.sampled_at < self.sample_every:
            return False
        if result.status is Status.OK:
            check.sampled_at = now
        return True

    async def run(self, check: PlannedCheck, due: float | None = None) -> Result:
        """Run once; with `due` (a scheduled run) the start lag is measured from it to the pool slot."""
        spec = check.spec
        ctx = ProbeContext(
            http=self.http,
            site=check.site,
            timeout=spec.timeout,
            check_key=spec.key,
            secrets=spec.secrets,
            memory=check.state.memory,
            services=self.services,
        )
        on_slot = None if due is None else (lambda: self.stats.started(self.clock.monotonic() - due))
        result = await run_probe(check.probe, spec.params, ctx, self.pools(), spec.key, self.clock, on_slot)
        self.stats.runs += 1
        previous = check.state.last_status
        state, transition = advance(check.state, result, spec.failure_threshold, spec.success_threshold)
        check.state = state
        stored = self._stored_in_full(check, result, previous, transition)
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
        await self.writer.put(PendingWrite(check.check_id, result, state, events, spec.key, stored))
        for listener in self.listeners:
            try:
                await listener.on_result(spec, result, state, transition)
            except Exception:
                logger.exception("result listener failed check=%s listener=%s", spec.key, type(listener).__name__)
        return result
