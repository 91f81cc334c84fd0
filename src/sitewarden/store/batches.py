"""Id sets of any size in SQL: PostgreSQL binds at most 65,535 parameters per statement, so lists go in chunks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
CHUNK = 10_000  # far under every backend's parameter limit, large enough that 100,000 ids take ten statements


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items (none for an empty sequence)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
