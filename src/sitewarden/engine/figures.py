"""The engine's own figures: runs, checks running, start lag and offered load; what /metrics and status show.

Start lag is the honest one: the moment a check got its pool slot minus the moment it was due, so a fleet that
waits for the pool shows it. It is kept as a cumulative histogram (for Prometheus) and a ring of recent samples
(for percentiles in `sitewarden status --engine`).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

LAG_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
RECENT = 8192  # lag samples kept for percentiles: the last few seconds of a large fleet, minutes of a small one


class LagHistogram:
    """Start lags in Prometheus buckets (cumulative, never reset) plus the most recent samples."""

    __slots__ = ("counts", "count", "total", "_recent", "_next")

    def __init__(self) -> None:
        self.counts = [0] * len(LAG_BUCKETS)
        self.count = 0
        self.total = 0.0
        self._recent = array("d")
        self._next = 0

    def observe(self, lag: float) -> None:
        lag = max(0.0, lag)
        self.count += 1
        self.total += lag
        for index, bound in enumerate(LAG_BUCKETS):
            if lag <= bound:
                self.counts[index] += 1
                break
        if len(self._recent) < RECENT:
            self._recent.append(lag)
        else:
            self._recent[self._next] = lag
            self._next = (self._next + 1) % RECENT

    def percentile(self, fraction: float) -> float:
        """A percentile of the recent samples (0.0 before the first run)."""
        return self.percentiles(fraction)[0]

    def percentiles(self, *fractions: float) -> tuple[float, ...]:
        """Several percentiles from one sort of the recent samples (the engine publishes two every second)."""
        if not self._recent:
            return tuple(0.0 for _ in fractions)
        ordered = sorted(self._recent)
        last = len(ordered) - 1
        return tuple(ordered[min(last, int(fraction * len(ordered)))] for fraction in fractions)

    def snapshot(self) -> dict[str, object]:
        """Cumulative bucket counts (Prometheus `le` order, +Inf last), sum and count, as plain JSON."""
        cumulative: list[int] = []
        running = 0
        for number in self.counts:
            running += number
            cumulative.append(running)
        return {"le": list(LAG_BUCKETS), "buckets": cumulative + [self.count], "sum": self.total, "count": self.count}


@dataclass
class EngineStats:
    """Counters the engine keeps as it runs checks."""

    runs: int = 0
    running: int = 0
    last_lag: float = 0.0
    started_at: float = 0.0
    lag: LagHistogram = field(default_factory=LagHistogram)

    def started(self, lag: float) -> None:
        """A check got its pool slot `lag` seconds after it was due."""
        self.last_lag = max(0.0, lag)
        self.lag.observe(lag)
