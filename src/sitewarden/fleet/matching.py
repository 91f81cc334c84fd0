"""Judging one row against query conditions: versions with sitewarden's comparator, names, verdicts, statuses."""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from typing import Any

from sitewarden.catalog.versions import Version, compare, try_version
from sitewarden.fleet.query import Condition, ItemClause


@lru_cache(maxsize=4096)
def _version(text: str) -> Version | None:
    return try_version(text)


def version_matches(installed: str | None, operator: str, wanted: str) -> bool:
    """Compare an installed version with a query's; `=` without operator is a prefix by parts (12 holds 12.4.3).

    An installed version that cannot be read never matches a comparison, so `-version:<11` keeps it.
    """
    have, want = _version(installed or ""), _version(wanted)
    if have is None or want is None:
        return operator == "!=" and have is not None
    if operator in ("=", "!="):
        same = have.release[: len(want.release)] == want.release and (not want.rest or compare(have, want) == 0)
        return same if operator == "=" else not same
    order = compare(have, want)
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[operator]


def branch_matches(branch: str | None, version: str | None, operator: str, wanted: str) -> bool:
    """Compare the release line: the stored branch, else the version cut to the query's parts (12.4.3 → 12)."""
    have, want = _version(branch or version or ""), _version(wanted)
    if have is None or want is None:
        return operator == "!=" and have is not None
    width = len(want.release)
    line = have.release[:width] + (0,) * (width - len(have.release[:width]))
    order = (line > want.release) - (line < want.release)
    return {"=": order == 0, "!=": order != 0, "<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[
        operator
    ]


def text_matches(value: str | None, wanted: str) -> bool:
    """Case-insensitive equality, or a shell pattern when the query has `*` or `?`."""
    have = (value or "").lower()
    wanted = wanted.lower()
    if "*" in wanted or "?" in wanted:
        return fnmatch.fnmatchcase(have, wanted)
    return have == wanted


def condition_holds(condition: Condition, row: dict[str, Any]) -> bool:
    """Whether one item row satisfies one qualifier (`version`, `branch`, `verdict`), negation applied."""
    if condition.field == "version":
        held = version_matches(row.get("version"), condition.operator, condition.value)
    elif condition.field == "branch":
        held = branch_matches(row.get("branch"), row.get("version"), condition.operator, condition.value)
    else:
        held = text_matches(row.get(condition.field), condition.value)
    return held != condition.negated


class ItemFilter:
    """A clause compiled for many rows: each distinct version, branch or verdict is judged once."""

    def __init__(self, clause: ItemClause) -> None:
        self.clause = clause
        self._seen: dict[tuple[str | None, str | None, str | None], bool] = {}

    def accepts(self, row: tuple[Any, ...]) -> bool:
        """Whether a row (site, kind, key, product, version, verdict, branch) is the clause's item and qualifies."""
        clause = self.clause
        if clause.kind is not None and row[1] != clause.kind:
            return False
        if clause.key is not None and not text_matches(row[3] if clause.named_by == "product" else row[2], clause.key):
            return False
        facts = (row[4], row[5], row[6])
        held = self._seen.get(facts)
        if held is None:
            values = {"version": row[4], "verdict": row[5], "branch": row[6]}
            held = all(condition_holds(condition, values) for condition in clause.conditions)
            self._seen[facts] = held
        return held


def item_matches(clause: ItemClause, row: dict[str, Any]) -> bool:
    """Whether an item row (as a dict) is the clause's item and satisfies all its qualifiers."""
    columns = ("site", "item_kind", "item_key", "product", "version", "verdict", "branch")
    return ItemFilter(clause).accepts(tuple(row.get(column) for column in columns))
