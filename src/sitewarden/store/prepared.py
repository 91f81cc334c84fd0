"""Statements compiled once per dialect and run through the driver's executemany with rows as plain tuples.

The writer stores thousands of results, rollups and states a second. Built and executed through SQLAlchemy, each
batch pays for building the statement, its cache key, and a bind processor call per value inside the execution
context: more CPU than SQLite spends storing the rows. Here the statement (an INSERT or an upsert) is compiled once
per dialect, the type conversions that matter (datetimes, JSON) are looked up once, and each batch is handed to
the driver as converted tuples (or dicts, for drivers with named parameters).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine.interfaces import Dialect

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A compiled statement and how to turn a row (values in `names` order) into the driver's parameters."""

    sql: str
    names: tuple[str, ...]
    converted: tuple[tuple[int, Processor], ...]
    """(index in the row, bind processor) of the values the dialect converts; the rest pass as they are."""
    order: tuple[int, ...] | None
    """Positional drivers: the row index of each parameter in statement order."""
    keys: tuple[str, ...] | None
    """Named drivers: the parameter name of each row index."""
    in_order: bool
    """Positional, and the statement takes the values in the row's order."""

    def parameters(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        """The driver's parameters for `rows`, each value converted as SQLAlchemy would."""
        converted = self.converted
        out: list[Any] = []
        append = out.append
        order, keys, in_order = self.order, self.keys, self.in_order
        for row in rows:
            if converted:
                row = list(row)
                for index, process in converted:
                    value = row[index]
                    if value is not None:
                        row[index] = process(value)
            if in_order:
                append(tuple(row))
            elif order is not None:
                append(tuple([row[index] for index in order]))
            else:
                assert keys is not None
                append(dict(zip(keys, row, strict=True)))
        return out


_CACHE: weakref.WeakKeyDictionary[Dialect, dict[str, Prepared]] = weakref.WeakKeyDictionary()
"""Per dialect instance (one per database engine), gone with it."""


def prepare(connection: Connection, name: str, build: Callable[[Dialect], Any], names: Sequence[str]) -> Prepared:
    """The statement `build(dialect)` compiled for this connection's dialect, cached under `name`.

    `build` returns a Core INSERT (plain or with ON CONFLICT) whose VALUES take exactly the columns `names`.
    """
    dialect = connection.dialect
    statements = _CACHE.get(dialect)
    if statements is None:
        statements = _CACHE[dialect] = {}
    cached = statements.get(name)
    if cached is not None:
        return cached
    statement = build(dialect)
    table = statement.table
    compiled = statement.compile(dialect=dialect, column_keys=list(names))
    index_of = {column: index for index, column in enumerate(names)}
    converted = []
    for index, column in enumerate(names):
        process = table.c[column].type._cached_bind_processor(dialect)
        if process is not None:
            converted.append((index, process))
    bind_column = {bind: compiled.binds[bind].key for bind in compiled.binds}
    if compiled.positiontup is not None:
        order: tuple[int, ...] | None = tuple(index_of[bind_column[bind]] for bind in compiled.positiontup)
        keys: tuple[str, ...] | None = None
    else:
        by_column = {column: bind for bind, column in bind_column.items()}
        order, keys = None, tuple(by_column[column] for column in names)
    in_order = order == tuple(range(len(names)))
    prepared = Prepared(compiled.string, tuple(names), tuple(converted), order, keys, in_order)
    statements[name] = prepared
    return prepared


def execute_rows(connection: Connection, prepared: Prepared, rows: Sequence[Sequence[Any]]) -> None:
    """Run the prepared statement once per row, in one executemany."""
    if rows:
        connection.exec_driver_sql(prepared.sql, prepared.parameters(rows))
