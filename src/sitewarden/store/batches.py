"""Id sets of any size in SQL: PostgreSQL binds at most 65,535 parameters per statement, so lists go in chunks."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Text, cast, func, literal, select
from sqlalchemy.dialects.postgresql import JSONB

T = TypeVar("T")
CHUNK = 10_000  # far under every backend's parameter limit, large enough that 100,000 ids take ten statements


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items (none for an empty sequence)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


INLINE_NAMES = 1_000
"""Up to this many names are bound one parameter each; more go in as one JSON array."""


def in_names(column: ColumnElement[Any], names: Collection[str], dialect: str) -> ColumnElement[bool]:
    """`column IN names` for a set of any size, in a statement that cannot be split into chunks (paged, sorted).

    SQLite binds at most 32,766 parameters per statement and PostgreSQL 65,535, so a fleet query matching 40,000
    sites cannot list them one parameter each: a large set is sent as one JSON array and unpacked by the database
    (`json_each` on SQLite, `jsonb_array_elements_text` on PostgreSQL).
    """
    ordered = sorted(names)
    if len(ordered) <= INLINE_NAMES:
        return column.in_(ordered)
    document = json.dumps(ordered)
    if dialect == "postgresql":
        values = func.jsonb_array_elements_text(cast(literal(document, Text()), JSONB)).table_valued("value")
    else:
        values = func.json_each(literal(document, Text())).table_valued("value")
    return column.in_(select(values.c.value))
