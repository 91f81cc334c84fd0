"""Many rows inserted through the driver's executemany, each distinct value converted once.

SQLAlchemy converts every value of every row for its column type (a datetime for SQLite, a dict to JSON text), and
at fleet size that costs more than the insert itself: 100,000 check rows spent about 2 s there. The rows of one
sync share most of their values (one timestamp, one parameter dict per check template), so each value object is
converted once and the statement SQLAlchemy compiled for the dialect is run with the converted rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT `rows` (all with the keys of the first) into `table` in one executemany."""
    if not rows:
        return
    names = list(rows[0])
    dialect = connection.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=names)
    processors = {name: table.c[name].type._cached_bind_processor(dialect) for name in names}
    converted: dict[str, dict[int, Any]] = {name: {} for name in names}

    def value(name: str, item: Any) -> Any:
        process = processors[name]
        if process is None or item is None:
            return item
        seen = converted[name]
        done = seen.get(id(item), seen)  # the row keeps `item` alive, so its id stays its own
        if done is seen:
            done = seen[id(item)] = process(item)
        return done

    if compiled.positiontup is not None:  # qmark or format: tuples in the statement's order
        order = [compiled.binds[bind].key for bind in compiled.positiontup]
        params: list[Any] = [tuple(value(name, row[name]) for name in order) for row in rows]
    else:
        keys = {compiled.binds[bind].key: bind for bind in compiled.binds}
        params = [{keys[name]: value(name, row[name]) for name in names} for row in rows]
    connection.exec_driver_sql(compiled.string, params)
