"""Offered load against what runs: a machine that cannot keep up says so instead of drifting silently."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

WINDOW = 60.0  # seconds over which the start rate is measured
BEHIND = 1.0  # median start lag (s) from which the engine counts as overloaded
CAUGHT_UP = 0.25  # median start lag (s) below which it counts as keeping up again


def offered_rate(intervals: Iterable[float]) -> float:
    """Checks per second a schedule asks for: the sum of 1/interval."""
    return sum(1.0 / interval for interval in intervals if interval > 0)


class LoadWatch:
    """Follows the start rate over a minute and flags the moment the median start lag says the schedule slips."""

    def __init__(self) -> None:
        self.offered = 0.0
        self.running = 0.0
        self.overloaded = False
        self._marks: deque[tuple[float, int]] = deque()

    def sample(self, now: float, starts: int, median_lag: float) -> str | None:
        """Record the start counter; return a warning message when the engine has just become overloaded."""
        self._marks.append((now, starts))
        while len(self._marks) > 2 and now - self._marks[1][0] >= WINDOW:
            self._marks.popleft()
        first_time, first_starts = self._marks[0]
        if now > first_time:
            self.running = (starts - first_starts) / (now - first_time)
        if self.overloaded and median_lag < CAUGHT_UP:
            self.overloaded = False
        elif not self.overloaded and median_lag > BEHIND and self.running < self.offered:  # not a catch-up burst
            self.overloaded = True
            return (
                f"offered {self.offered:,.0f} checks/s, running {self.running:,.0f}/s: checks start "
                f"{median_lag:.1f} s late (median); add workers or CPU, or lengthen intervals"
            )
        return None
