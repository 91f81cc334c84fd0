"""Branches (release lines) and their support state: which line a version is on, and whether it is still supported.

A product's branch is its major (TYPO3, TER extensions, Composer packages, Drupal 7), or major.minor (Drupal 8+,
WordPress, PHP, MySQL, MariaDB, nginx, Joomla). Imported branch rows (get.typo3.org majors, endoflife.date cycles)
win over that rule when they name a longer or shorter line that holds the version (PostgreSQL `16`, Drupal `7`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sitewarden.catalog.versions import Version
from sitewarden.verdict import Support

MINOR_LINES = {"wordpress", "php", "mysql", "mariadb", "nginx", "joomla"}
VENDOR_SOURCES = ("typo3", "drupal", "wordpress")
"""Sources that publish their own product's support dates; they win over endoflife.date when both know a branch."""


@dataclass(frozen=True, slots=True)
class Branch:
    """A release line: its name (`14`, `10.6`), how many release numbers it spans, and its imported row if any."""

    name: str
    numbers: tuple[int, ...]
    row: dict[str, Any] | None = None

    def holds(self, version: Version) -> bool:
        return version.branch(len(self.numbers)) == self.numbers


def default_depth(product: str, version: Version) -> int:
    """How many release numbers make a branch when no imported row says so."""
    if product == "drupal":
        return 1 if version.major < 8 else 2
    if product == "postgresql":
        return 1 if version.major >= 10 else 2
    return 2 if product in MINOR_LINES else 1


def _numbers(name: str) -> tuple[int, ...] | None:
    parts = name.strip().rstrip(".x").rstrip(".").split(".")
    if not parts or not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def branch_of(product: str, version: Version, rows: Iterable[dict[str, Any]]) -> Branch:
    """The branch of a version: the most specific imported row holding it, else the product's rule."""
    best: Branch | None = None
    for row in rows:
        numbers = _numbers(str(row["branch"]))
        if numbers is None or version.branch(len(numbers)) != numbers:
            continue
        vendor = row.get("source") in VENDOR_SOURCES
        if (
            best is None
            or len(numbers) > len(best.numbers)
            or (len(numbers) == len(best.numbers) and vendor and (best.row or {}).get("source") not in VENDOR_SOURCES)
        ):
            best = Branch(str(row["branch"]), numbers, row)
    if best is not None:
        return best
    numbers = version.branch(default_depth(product, version))
    return Branch(".".join(str(n) for n in numbers), numbers)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            return None
    return None


def row_support(row: dict[str, Any], today: date) -> Support | None:
    """The support state one imported branch row gives on a day; None when it says nothing."""
    security = _day(row.get("security_until"))
    elts = _day(row.get("elts_until"))
    if security is not None:
        if today <= security:
            return Support.SUPPORTED
        return Support.ELTS if elts is not None and today <= elts else Support.EOL
    if row.get("eol") is True:
        return Support.ELTS if elts is not None and today <= elts else Support.EOL
    if row.get("eol") is False:
        return Support.SUPPORTED
    return None


def support_of(
    branch: Branch,
    branch_rows: Iterable[dict[str, Any]],
    facts: Iterable[dict[str, Any]],
    today: date,
) -> Support | None:
    """The support state of a branch from every row about it, vendor rows first; None when nothing is known.

    Drupal's `supported_branches` (`10.5.,10.6.,11.2.`) lists the supported lines of Drupal 8 and later; a product
    closed or marked unsupported as a whole is end of life.
    """
    for fact in facts:
        if fact.get("status") in ("unsupported", "closed"):
            return Support.EOL
    holding = [
        row
        for row in branch_rows
        if (numbers := _numbers(str(row["branch"]))) is not None and branch.numbers[: len(numbers)] == numbers
    ]
    holding.sort(key=lambda row: (row.get("source") not in VENDOR_SOURCES, -len(str(row["branch"]))))
    for row in holding:
        state = row_support(row, today)
        if state is not None:
            return state
    prefixes = [prefix for fact in facts for prefix in fact.get("supported_branches") or []]
    if prefixes:
        listed = [_numbers(prefix) for prefix in prefixes]
        lines = [numbers for numbers in listed if numbers]
        if any(branch.numbers[: len(numbers)] == numbers for numbers in lines):
            return Support.SUPPORTED
        if any(numbers[0] == branch.numbers[0] for numbers in lines) or branch.numbers[0] < min(n[0] for n in lines):
            return Support.EOL
    return None
