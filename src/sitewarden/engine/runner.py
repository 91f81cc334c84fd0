"""Run one check: take a pool slot, apply the timeout, time it, and turn any failure into a Result."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from sitewarden.clock import SYSTEM_CLOCK, Clock
from sitewarden.durations import format_duration
from sitewarden.engine.pools import Pools
from sitewarden.probes.base import Probe, ProbeContext
from sitewarden.results import FailureClass, Result, Status
from sitewarden.secrets import redact, redact_result

logger = logging.getLogger(__name__)
TIMEOUT_GRACE = 1.0  # probes enforce `timeout` themselves and say which phase hit it; this is the safety net


async def run_probe(
    probe: Probe[Any],
    params: Any,
    ctx: ProbeContext,
    pools: Pools | None,
    key: str,
    clock: Clock = SYSTEM_CLOCK,
    on_slot: Callable[[], None] | None = None,
) -> Result:
    """The one place a probe is awaited: pool, timeout, timing and the internal-error guard live here.

    `on_slot` is called once the pool slot is taken, where the start lag ends; the duration starts after it, so a
    wait for the pool never shows up as a slow response.
    """
    if pools is None:
        if on_slot is not None:
            on_slot()
        result = await _timed(probe, params, ctx, key, clock)
    else:
        async with pools.get(probe.pool):
            if on_slot is not None:
                on_slot()
            result = await _timed(probe, params, ctx, key, clock)
    if ctx.secrets:  # whatever a probe echoed of the secrets it was given stays out of the result and its log
        redact_result(result, ctx.secrets)
        ctx.log[:] = [redact(line, ctx.secrets) for line in ctx.log]
    return result


async def _timed(probe: Probe[Any], params: Any, ctx: ProbeContext, key: str, clock: Clock) -> Result:
    started_at = clock.now()
    started = time.perf_counter()  # the run's real duration, whatever clock stamps it
    try:
        async with asyncio.timeout(ctx.timeout + TIMEOUT_GRACE):
            result = await probe.run(params, ctx)
    except TimeoutError:
        result = Result(Status.UNKNOWN, f"timed out after {format_duration(ctx.timeout)}", details={"phase": "probe"})
        result.classify(FailureClass.TIMEOUT)
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.exception("internal error in probe check=%s kind=%s", key, probe.kind)
        result = Result(Status.UNKNOWN, f"internal error in probe {probe.kind}, details in the log")
        result.classify(FailureClass.INTERNAL)
    result.classify(probe.failure_class)
    result.started_at = started_at
    result.duration_ms = (time.perf_counter() - started) * 1000
    return result
