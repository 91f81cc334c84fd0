"""Fleet queries: which sites match a query, with the matched item, its version and verdict, and the groups.

The store hands over only the rows each term needs (by index, as tuples); versions are compared here with the
catalogue's comparator, which SQL cannot do, once per distinct version.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sitewarden.app.database import Session
from sitewarden.fleet.matching import ItemFilter, condition_holds, text_matches
from sitewarden.fleet.query import CheckClause, Condition, ItemClause, Query, parse_query
from sitewarden.store.database import open_database
from sitewarden.store.fleet import active_sites, check_statuses, item_rows, worst_verdicts

STATUS_RANKS = {"error": 4, "warning": 3, "unknown": 2, "ok": 1, "pending": 0}
COLUMNS = ("site", "url", "groups", "item", "version", "verdict", "accepted", "accepted_until", "status")
"""Columns of a fleet query's CSV and JSON output, in order."""
Site = tuple[str, str, str]
"""name, URL, groups as JSON text."""


@dataclass(slots=True)
class FleetMatch:
    """One matching site and, when the query named an item, that item as the site runs it.

    `verdict` is the item's judged verdict, also when an admin accepted the finding (`accepted_until` is then the
    acceptance's last day): what is shown tells the truth, while `verdict:` filters count it as `up_to_date`.
    """

    site: str
    url: str
    groups: list[str]
    item: str | None = None
    version: str | None = None
    verdict: str | None = None
    status: str | None = None
    accepted_until: date | None = None

    @property
    def accepted(self) -> bool | None:
        """Whether the matched item's finding is accepted (None when no item was matched)."""
        return None if self.item is None else self.accepted_until is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "url": self.url,
            "groups": self.groups,
            "item": self.item,
            "version": self.version,
            "verdict": self.verdict,
            "accepted": self.accepted,
            "accepted_until": self.accepted_until.isoformat() if self.accepted_until else None,
            "status": self.status,
        }

    def csv_row(self) -> list[str]:
        """The COLUMNS as text; groups joined by spaces (group names have none), `accepted` as true or false."""
        row = self.as_dict()
        return [_csv_cell(key, row[key]) for key in COLUMNS]


def _csv_cell(key: str, value: Any) -> str:
    if key == "groups":
        return " ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if value else ""


@dataclass(slots=True)
class FleetResult:
    """The matches of one query, by site name."""

    query: str
    matches: list[FleetMatch] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [match.site for match in self.matches]


def run_query(store_url: str, text: str) -> FleetResult:
    """Parse (so a bad query fails before the store opens), then evaluate in one read transaction."""
    query = parse_query(text)
    database = open_database(store_url)
    try:
        with database.transaction() as connection:
            return evaluate(connection, query)
    finally:
        database.close()


def query_fleet(connection: Session, text: str) -> FleetResult:
    """Evaluate a fleet query (QueryError when it cannot be parsed) over the latest states and verdicts."""
    return evaluate(connection, parse_query(text))


def evaluate(connection: Session, query: Query) -> FleetResult:
    """Narrow the active sites term by term; keep the first positive item as the shown one."""
    shown: dict[str, tuple[Any, ...]] = {}
    matched = query.matched_item
    if matched is not None:
        shown = _sites_with_item(connection, matched, None)
        candidates: dict[str, Site] = {name: (name, row[9], row[10]) for name, row in shown.items()}
    else:
        candidates = {site[0]: site for site in active_sites(connection)}
    for condition in query.site:
        holds = _site_test(condition)
        candidates = {name: site for name, site in candidates.items() if holds(site)}
    for clause in query.items:
        if not candidates:
            break
        if clause is matched:
            continue
        found = _sites_with_item(connection, clause, candidates)
        if clause.negated:
            candidates = {name: site for name, site in candidates.items() if name not in found}
        else:
            candidates = {name: site for name, site in candidates.items() if name in found}
    if query.worst_verdict and candidates:
        worst = worst_verdicts(connection)
        for condition in query.worst_verdict:
            candidates = {
                name: site
                for name, site in candidates.items()
                if text_matches(worst.get(name, "unknown"), condition.value) != condition.negated
            }
    statuses: dict[str, str] = {}
    if query.checks and candidates:
        candidates, statuses = _by_checks(connection, query.checks, candidates)
    result = FleetResult(query.text)
    for name, (_, url, groups) in sorted(candidates.items()):
        row = shown.get(name)
        result.matches.append(
            FleetMatch(
                site=name,
                url=url,
                groups=list(_groups(groups)),
                item=f"{row[1]} {row[2]}" if row else None,
                version=row[4] if row else None,
                verdict=row[7] if row else None,
                status=statuses.get(name),
                accepted_until=row[8] if row else None,
            )
        )
    return result


@lru_cache(maxsize=1024)
def _groups(text: str) -> tuple[str, ...]:
    """Groups from their JSON text; sites share few distinct group lists, so each is decoded once."""
    return tuple(str(group) for group in json.loads(text))


def _site_test(condition: Condition) -> Callable[[Site], bool]:
    value = condition.value.lower()
    if condition.field in ("group", "tag"):
        return lambda site: any(text_matches(group, value) for group in _groups(site[2])) != condition.negated
    if condition.field in ("name", "site"):
        return lambda site: text_matches(site[0], value) != condition.negated
    return lambda site: (value in site[0].lower() or value in site[1].lower()) != condition.negated


def _sites_with_item(
    connection: Session, clause: ItemClause, names: dict[str, Site] | None
) -> dict[str, tuple[Any, ...]]:
    """Sites (among names; None: every active site, rows then end with URL and groups) with the clause's item."""
    product = clause.key if clause.named_by == "product" else None
    key = None if clause.named_by in ("product", "php") else clause.key
    exact = [c for c in clause.conditions if c.field == "verdict" and not (c.negated or "*" in c.value)]
    verdicts = [c.value.lower() for c in exact]
    verdict = verdicts[0] if verdicts else None
    rows = item_rows(connection, kind=clause.kind, key=key, product=product, verdict=verdict, with_sites=names is None)
    accept = ItemFilter(ItemClause(clause.kind, clause.named_by, clause.key, False, clause.conditions)).accepts
    found: dict[str, tuple[Any, ...]] = {}
    for row in rows:
        if (names is None or row[0] in names) and row[0] not in found and accept(row):
            found[row[0]] = row
    return found


def _by_checks(
    connection: Session, clauses: list[CheckClause], candidates: dict[str, Site]
) -> tuple[dict[str, Site], dict[str, str]]:
    """Keep the sites whose checks satisfy every check clause; the status shown is the worst of the site's."""
    per_site: dict[str, list[tuple[str, str, str, str]]] = {}
    for row in check_statuses(connection):
        if row[0] in candidates:
            per_site.setdefault(row[0], []).append(row)
    worst = {site: max((row[3] for row in rows), key=STATUS_RANKS.__getitem__) for site, rows in per_site.items()}
    kept = {
        name: site
        for name, site in candidates.items()
        if all(_check_clause_holds(clause, per_site.get(name, []), worst.get(name, "pending")) for clause in clauses)
    }
    return kept, worst


def _check_clause_holds(clause: CheckClause, rows: list[tuple[str, str, str, str]], worst: str) -> bool:
    if clause.name is None:
        return all(condition_holds(condition, {"status": worst}) for condition in clause.conditions)
    named = [row for row in rows if text_matches(row[1], clause.name) or text_matches(row[2], clause.name)]
    if clause.negated:
        return not named
    return any(all(condition_holds(c, {"status": row[3]}) for c in clause.conditions) for row in named)
