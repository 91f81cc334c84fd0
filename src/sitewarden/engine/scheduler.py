"""A heap of due times. Each check runs at a stable phase of its whole interval, so a fleet does not fire at once.

The phase is a fraction of the interval taken from a hash of the check's key and anchored to the wall clock (as
Prometheus spreads its scrapes): N checks at interval T start N/T per second, and a restart, a reload or a shard
moving to another worker keeps every check's phase instead of running it at once.
"""

from __future__ import annotations

import hashlib
import heapq
import math


def stable_fraction(key: str) -> float:
    """A number in [0, 1) that depends only on the check key: the same jitter after every restart."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


_Entry = tuple[float, int, str]
"""(due, sequence, key): a plain tuple compares in C, and one holding only a float, an int and a str is not tracked
by the cyclic collector, so the fleet's heap (one entry per check, renewed every run) costs its walks nothing."""


class Scheduler:
    """Due times by check key; `pop_due` hands out the checks whose time has come, earliest first."""

    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._due: dict[str, float] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._due)

    def __contains__(self, key: str) -> bool:
        return key in self._due

    def schedule(self, key: str, due: float) -> None:
        """Set (or move) a check's next due time."""
        self._due[key] = due
        self._seq += 1
        heapq.heappush(self._heap, (due, self._seq, key))

    def remove(self, key: str) -> None:
        self._due.pop(key, None)

    def next_due(self) -> float | None:
        self._drop_stale()
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float, limit: int | None = None) -> list[str]:
        """Remove and return the keys due at `now`; they are off the heap until scheduled again."""
        keys: list[str] = []
        heap, due_of = self._heap, self._due
        while heap and (limit is None or len(keys) < limit):
            due, _, key = heap[0]
            if due > now:
                break
            heapq.heappop(heap)
            if due_of.get(key) != due:  # moved or removed since: a stale entry
                continue
            del due_of[key]
            keys.append(key)
        return keys

    def _drop_stale(self) -> None:
        heap, due_of = self._heap, self._due
        while heap and due_of.get(heap[0][2]) != heap[0][0]:
            heapq.heappop(heap)


def next_due(previous_due: float, interval: float, now: float) -> float:
    """Keep a check's phase (previous due + interval) unless it fell behind; then start from now."""
    due = previous_due + interval
    return due if due > now else now + interval


def phase_slot(key: str, interval: float, at_or_after: float) -> float:
    """The first moment at or after `at_or_after` (wall seconds) that lies on the check's phase of its interval."""
    phase = stable_fraction(key) * interval
    return phase + math.ceil((at_or_after - phase) / interval) * interval
