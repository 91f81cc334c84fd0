"""Following log files between runs: where to start reading each file, and which complete lines are new.

A position is (inode, offset) per path. A file whose inode changed, or that shrank below the offset, was rotated
or truncated and is read from the top; a file not seen before is new and read from the top too; on the very first
run every file starts at its end, so old lines do not raise alerts about the past.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileStat:
    """A remote file as `stat` reports it."""

    path: str
    inode: int
    size: int


@dataclass(frozen=True, slots=True)
class ReadPlan:
    """Where to read one file: from `start` up to its size; `rotated` when it began again from the top."""

    path: str
    inode: int
    start: int
    size: int
    rotated: bool = False
    skipped: int = 0


def plan_reads(memory: dict[str, dict[str, int]] | None, files: list[FileStat], max_read: int) -> list[ReadPlan]:
    """A ReadPlan per file; `memory` is None on the first run ever (then nothing old is read)."""
    plans = []
    for stat in files:
        previous = memory.get(stat.path) if memory is not None else None
        rotated = False
        if memory is None:
            start = stat.size
        elif previous is None:
            start = 0
        elif previous.get("inode") != stat.inode or stat.size < previous.get("offset", 0):
            start, rotated = 0, True
        else:
            start = previous.get("offset", 0)
        skipped = 0
        if stat.size - start > max_read:
            skipped = stat.size - start - max_read
            start = stat.size - max_read
        plans.append(ReadPlan(stat.path, stat.inode, start, stat.size, rotated, skipped))
    return plans


def complete_lines(data: bytes, start: int) -> tuple[list[str], int]:
    """Whole lines in data read from `start`, and the offset to go on from (a partial last line waits)."""
    end = data.rfind(b"\n")
    if end < 0:
        return [], start
    text = data[: end + 1].decode("utf-8", errors="replace")
    return text.splitlines(), start + end + 1


def parse_stat(output: str) -> list[FileStat]:
    """Lines of `stat -L -c '%i %s %n'` → FileStat (names may hold spaces)."""
    stats = []
    for line in output.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            stats.append(FileStat(parts[2], int(parts[0]), int(parts[1])))
    return stats
