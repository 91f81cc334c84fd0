"""Fleet queries: which sites match a query, with the matched item, its version and verdict, and the groups.

The store hands over only the rows each term needs (by index); versions are compared here with the catalogue's
comparator, which SQL cannot do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sitewarden.app.database import Session
from sitewarden.fleet.matching import condition_holds, first_match, text_matches
from sitewarden.fleet.query import CheckClause, Condition, ItemClause, Query, parse_query
from sitewarden.store.database import open_database
from sitewarden.store.fleet import active_sites, check_statuses, item_rows, worst_verdicts

STATUS_RANKS = {"error": 4, "warning": 3, "unknown": 2, "ok": 1, "pending": 0}


@dataclass(slots=True)
class FleetMatch:
    """One matching site and, when the query named an item, that item as the site runs it."""

    site: str
    url: str
    groups: list[str]
    item: str | None = None
    version: str | None = None
    verdict: str | None = None
    status: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "url": self.url,
            "groups": self.groups,
            "item": self.item,
            "version": self.version,
            "verdict": self.verdict,
            "status": self.status,
        }

    def csv_row(self) -> list[str]:
        """The COLUMNS as text; groups joined by spaces (group names have none)."""
        row = self.as_dict()
        return [" ".join(self.groups) if key == "groups" else row[key] or "" for key in COLUMNS]


@dataclass(slots=True)
class FleetResult:
    """The matches of one query, by site name."""

    query: str
    matches: list[FleetMatch] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [match.site for match in self.matches]


COLUMNS = ("site", "url", "groups", "item", "version", "verdict", "status")
"""Columns of a fleet query's CSV and JSON output, in order."""


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
    """Narrow the active sites term by term, cheapest first; keep the first positive item as the shown one."""
    candidates = {site["name"]: site for site in active_sites(connection)}
    for condition in query.site:
        candidates = {name: site for name, site in candidates.items() if _site_holds(condition, site)}
    shown: dict[str, dict[str, Any]] = {}
    matched = query.matched_item
    for clause in query.items:
        if not candidates:
            break
        found = _sites_with_item(connection, clause, set(candidates))
        if clause.negated:
            candidates = {name: site for name, site in candidates.items() if name not in found}
        else:
            candidates = {name: site for name, site in candidates.items() if name in found}
            if clause is matched:
                shown = found
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
    for name, site in candidates.items():
        row = shown.get(name)
        result.matches.append(
            FleetMatch(
                site=name,
                url=site["url"],
                groups=site["groups"],
                item=f"{row['item_kind']} {row['item_key']}" if row else None,
                version=row["version"] if row else None,
                verdict=row["verdict"] if row else None,
                status=statuses.get(name),
            )
        )
    return result


def _site_holds(condition: Condition, site: dict[str, Any]) -> bool:
    value = condition.value.lower()
    if condition.field in ("group", "tag"):
        held = any(text_matches(group, value) for group in site["groups"])
    elif condition.field in ("name", "site"):
        held = text_matches(site["name"], value)
    else:
        held = value in site["name"].lower() or value in site["url"].lower()
    return held != condition.negated


def _sites_with_item(connection: Session, clause: ItemClause, names: set[str]) -> dict[str, dict[str, Any]]:
    """Sites (among names) with an item satisfying the clause, each with that item's row."""
    product = clause.key if clause.named_by == "product" else None
    key = None if clause.named_by in ("product", "php") else clause.key
    found: dict[str, dict[str, Any]] = {}
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in item_rows(connection, kind=clause.kind, key=key, product=product):
        if row["site"] in names:
            by_site[row["site"]].append(row)
    positive = ItemClause(clause.kind, clause.named_by, clause.key, False, clause.conditions)
    for site, rows in by_site.items():
        hit = first_match(positive, rows)
        if hit is not None:
            found[site] = hit
    return found


def _by_checks(
    connection: Session, clauses: list[CheckClause], candidates: dict[str, dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Keep the sites whose checks satisfy every check clause; the status shown is the worst of the site's."""
    per_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in check_statuses(connection):
        if row["site"] in candidates:
            per_site[row["site"]].append(row)
    worst = {
        site: max((row["status"] for row in rows), key=lambda status: STATUS_RANKS[status])
        for site, rows in per_site.items()
    }
    kept = {
        name: site
        for name, site in candidates.items()
        if all(_check_clause_holds(clause, per_site.get(name, []), worst.get(name, "pending")) for clause in clauses)
    }
    return kept, worst


def _check_clause_holds(clause: CheckClause, rows: list[dict[str, Any]], worst: str) -> bool:
    if clause.name is None:
        return all(condition_holds(condition, {"status": worst}) for condition in clause.conditions)
    named = [row for row in rows if text_matches(row["check"], clause.name) or text_matches(row["kind"], clause.name)]
    if clause.negated:
        return not named
    return any(all(condition_holds(c, row) for c in clause.conditions) for row in named)
