"""SLA arithmetic: availability, outages and MTTR from confirmed state changes, with maintenance time excluded.

Pure functions over time intervals, so the figures are exact (not averaged from rollups) and the edge cases
(an outage across the period boundary, a window that starts inside an outage, a check added mid-period, a paused
check) are decided in one place. A check is down while its confirmed status is `error`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sitewarden.results import Status

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Change:
    """A confirmed status from a moment on, with the summary of the result that caused it."""

    at: datetime
    status: Status
    summary: str = ""


@dataclass(frozen=True, slots=True)
class Outage:
    """A stretch of confirmed `error` inside the period; `counted_s` leaves out the maintenance inside it."""

    start: datetime
    end: datetime
    ongoing: bool
    counted_s: float
    excluded_s: float
    cause: str


@dataclass(slots=True)
class Figures:
    """What an SLA report shows for one check, site or group over one period."""

    start: datetime | None
    end: datetime | None
    measured_s: float = 0.0
    excluded_s: float = 0.0
    down_s: float = 0.0
    outages: list[Outage] = field(default_factory=list)
    paused: bool = False

    @property
    def availability(self) -> float | None:
        """Up time over measured time (maintenance left out of both); None when nothing was measured."""
        if self.measured_s <= 0:
            return None
        return max(0.0, 1.0 - self.down_s / self.measured_s)

    @property
    def outage_count(self) -> int:
        return len(self.outages)

    @property
    def mttr_s(self) -> float | None:
        """Mean time to repair: counted outage time per outage."""
        return self.down_s / len(self.outages) if self.outages else None

    def budget_left_s(self, target: float) -> float | None:
        """Downtime the target (a percentage) still allows in this period; negative when it was missed."""
        if self.measured_s <= 0:
            return None
        return (1.0 - target / 100.0) * self.measured_s - self.down_s


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union of intervals; empty ones dropped."""
    out: list[Interval] = []
    for start, end in sorted(item for item in intervals if item[1] > item[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    return merge((max(a, start), min(b, end)) for a, b in intervals)


def overlap_s(interval: Interval, others: Sequence[Interval]) -> float:
    """Seconds of `interval` covered by the (merged) `others`."""
    total = 0.0
    for start, end in others:
        low, high = max(start, interval[0]), min(end, interval[1])
        if high > low:
            total += (high - low).total_seconds()
    return total


def timeline(changes: Sequence[Change], before: Change | None, end: datetime) -> list[tuple[Interval, str, bool]]:
    """Outage stretches (unclipped start, end; cause; still going at `end`) from the status changes, oldest first.

    `before` is the last change before the period (the status it starts in); `changes` are those inside it.
    """
    stretches: list[tuple[Interval, str, bool]] = []
    opened: Change | None = before if before is not None and before.status is Status.ERROR else None
    for change in sorted(changes, key=lambda item: item.at):
        if change.at >= end:
            break
        if change.status is Status.ERROR and opened is None:
            opened = change
        elif change.status is not Status.ERROR and opened is not None:
            stretches.append(((opened.at, change.at), opened.summary, False))
            opened = None
    if opened is not None:
        stretches.append(((opened.at, end), opened.summary, True))
    return stretches


def figures(
    stretches: Sequence[tuple[Interval, str, bool]],
    windows: Iterable[Interval],
    start: datetime,
    end: datetime,
    *,
    paused: bool = False,
) -> Figures:
    """Figures over [start, end): outages clipped to it, maintenance windows left out of measured and down time."""
    if end <= start:
        return Figures(start=None, end=None, paused=paused)
    excluded = clip(windows, start, end)
    result = Figures(start=start, end=end, paused=paused)
    result.excluded_s = sum((b - a).total_seconds() for a, b in excluded)
    result.measured_s = (end - start).total_seconds() - result.excluded_s
    for (low, high), cause, ongoing in stretches:
        piece = (max(low, start), min(high, end))
        if piece[1] <= piece[0]:
            continue
        length = (piece[1] - piece[0]).total_seconds()
        hidden = overlap_s(piece, excluded)
        if length - hidden <= 0:
            continue
        result.outages.append(Outage(piece[0], piece[1], ongoing and high >= end, length - hidden, hidden, cause))
        result.down_s += length - hidden
    return result


def combine(parts: Sequence[Figures]) -> Figures:
    """Figures of a group from its sites': time-weighted (sums of measured and down time), outages listed."""
    starts = [part.start for part in parts if part.start is not None]
    ends = [part.end for part in parts if part.end is not None]
    out = Figures(start=min(starts) if starts else None, end=max(ends) if ends else None)
    out.paused = bool(parts) and all(part.paused for part in parts)
    for part in parts:
        out.measured_s += part.measured_s
        out.excluded_s += part.excluded_s
        out.down_s += part.down_s
        out.outages.extend(part.outages)
    out.outages.sort(key=lambda item: item.start)
    return out


def union_stretches(per_check: Iterable[Sequence[tuple[Interval, str, bool]]]) -> list[tuple[Interval, str, bool]]:
    """A site is down while any of its checks is: the union of its checks' outage stretches, first cause kept."""
    flat = sorted((item for stretches in per_check for item in stretches), key=lambda item: item[0])
    out: list[tuple[Interval, str, bool]] = []
    for (start, end), cause, ongoing in flat:
        if out and start <= out[-1][0][1]:
            (first, last), first_cause, was_ongoing = out[-1]
            out[-1] = ((first, max(last, end)), first_cause, was_ongoing or ongoing)
        else:
            out.append(((start, end), cause, ongoing))
    return out


def percentiles(buckets: Iterable[tuple[int, float]], points: Sequence[float] = (50, 95, 99)) -> dict[str, float]:
    """Response-time percentiles from rollups: (result count, mean ms) per hour, weighted by count."""
    rows = sorted((mean, count) for count, mean in buckets if count > 0)
    total = sum(count for _, count in rows)
    out: dict[str, float] = {}
    if not total:
        return out
    for point in points:
        rank = point / 100.0 * total
        seen = 0
        for mean, count in rows:
            seen += count
            if seen >= rank:
                out[f"p{int(point)}"] = round(mean, 1)
                break
    return out


def month_period(month: str) -> Interval:
    """`2026-11` → [2026-11-01, 2026-12-01) in UTC."""
    year, number = (int(part) for part in month.split("-", 1))
    first = datetime(year, number, 1, tzinfo=UTC)
    following = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return first, following


def days(start: datetime, end: datetime) -> list[Interval]:
    """The UTC days of a period, for the daily availability chart."""
    out = []
    moment = start
    while moment < end:
        following = min(moment.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1), end)
        out.append((moment, following))
        moment = following
    return out
