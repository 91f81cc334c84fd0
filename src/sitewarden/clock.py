"""Time as a dependency: the engine, its scheduler and the shard leases read it here, so tests can move it.

`monotonic` measures intervals and due times, `now` stamps rows and leases, `sleep` waits; a fake clock in the
tests implements the same three and lets a test step through minutes of schedule without waiting for them.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """The one clock interface: monotonic seconds, wall time in UTC, and a sleep measured on the same clock."""

    def monotonic(self) -> float: ...

    def now(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock: `time.monotonic`, the UTC wall clock and `asyncio.sleep`."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


async def wait_or_stop(clock: Clock, stop: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds` on `clock`, returning early when `stop` is set."""
    if stop.is_set():
        return
    sleeper = asyncio.ensure_future(clock.sleep(seconds))
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((sleeper, stopper), return_when=asyncio.FIRST_COMPLETED)
    finally:
        sleeper.cancel()
        stopper.cancel()
