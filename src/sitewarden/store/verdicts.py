"""Read model of inventories and verdicts for the dashboard and API: per page, per site, and across the fleet.

Fleet-wide filters are correlated `EXISTS` probes on the assessments' (site, kind, key) key, so the overview
stays a single indexed pass over the sites; everything else reads only the rows of the page being shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

from sqlalchemy import Connection, and_, case, exists, func, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from sitewarden.inventory.model import CmsName
from sitewarden.store.tables import assessments, inventory_snapshots

VERDICT_RANKS = {"insecure": 6, "eol": 5, "major": 4, "minor": 3, "bugfix": 2, "up_to_date": 1, "unknown": 0}
"""Worst first; `unknown` (not in the catalogue) ranks below `up_to_date` so custom extensions hide nothing."""
RANK_VERDICT = {rank: name for name, rank in VERDICT_RANKS.items()}
OUTDATED = ("insecure", "eol", "major", "minor", "bugfix")
EXTENSION_FILTERS = {"insecure": ("insecure",), "outdated": OUTDATED}
COMPONENT_KINDS = ("extension", "plugin", "theme", "module")
CMS_NAMES: tuple[str, ...] = get_args(CmsName)
SITES_SHOWN = 20

_RANK = case(*((assessments.c.verdict == name, rank) for name, rank in VERDICT_RANKS.items()), else_=0)


def worst(verdicts: list[str]) -> str | None:
    """The most urgent of some verdicts."""
    return max(verdicts, key=lambda name: VERDICT_RANKS.get(name, 0)) if verdicts else None


def cms_condition(site_name: Any, cms: str) -> ColumnElement[bool]:
    """Sites whose core is this CMS: an indexed probe per site on the assessments' unique key."""
    a = assessments.alias("cms_probe")
    return exists().where(a.c.site == site_name, a.c.item_kind == "core", a.c.item_key == cms)


def verdict_condition(site_name: Any, verdict: str) -> ColumnElement[bool]:
    """Sites whose worst verdict is this one: an item with it, and none with a worse one."""
    has, worse = assessments.alias("has_verdict"), assessments.alias("worse_verdict")
    worse_names = [name for name, rank in VERDICT_RANKS.items() if rank > VERDICT_RANKS[verdict]]
    condition: ColumnElement[bool] = exists().where(has.c.site == site_name, has.c.verdict == verdict)
    if worse_names:
        condition = and_(condition, ~exists().where(worse.c.site == site_name, worse.c.verdict.in_(worse_names)))
    return condition


def page_verdicts(connection: Connection, names: list[str]) -> dict[str, dict[str, Any]]:
    """CMS, version, core verdict and worst verdict of the shown sites (the inventory fills in unjudged ones)."""
    found: dict[str, dict[str, Any]] = {}
    a = assessments.c
    query = select(a.site, a.item_kind, a.item_key, a.version, a.verdict).where(a.site.in_(names))
    for site, kind, key, version, verdict in connection.execute(query):
        entry = found.setdefault(site, {"verdicts": []})
        entry["verdicts"].append(verdict)
        if kind == "core":
            entry.update(cms=key, version=version, core_verdict=verdict)
    for entry in found.values():
        verdicts = entry.pop("verdicts")
        entry["verdict"] = worst(verdicts)
        entry["insecure"] = verdicts.count("insecure")
    missing = [name for name in names if "cms" not in found.get(name, {})]
    for site, snapshot in newest_snapshots(connection, missing).items():
        if snapshot.get("cms"):
            found.setdefault(site, {}).update(cms=snapshot["cms"], version=snapshot.get("cms_version"))
    return found


def newest_snapshots(connection: Connection, names: list[str]) -> dict[str, dict[str, Any]]:
    """The most recently confirmed inventory snapshot (as stored JSON) of each named site."""
    if not names:
        return {}
    newest = (
        select(func.max(inventory_snapshots.c.id).label("id"))
        .where(inventory_snapshots.c.site.in_(names))
        .group_by(inventory_snapshots.c.site, inventory_snapshots.c.check_name)
        .subquery()
    )
    query = (
        select(inventory_snapshots.c.site, inventory_snapshots.c.snapshot)
        .join(newest, newest.c.id == inventory_snapshots.c.id)
        .order_by(inventory_snapshots.c.last_seen_at)
    )
    return {site: snapshot for site, snapshot in connection.execute(query)}


def verdict_rows(
    connection: Connection,
    *,
    site: str | None = None,
    verdict: str | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Stored verdicts, filtered and paged, worst first; with the total before paging."""
    conditions = []
    if site is not None:
        conditions.append(assessments.c.site == site)
    if verdict is not None:
        conditions.append(assessments.c.verdict == verdict)
    if kind is not None:
        conditions.append(assessments.c.item_kind == kind)
    total = connection.scalar(select(func.count()).select_from(assessments).where(*conditions)) or 0
    query = (
        select(assessments)
        .where(*conditions)
        .order_by(_RANK.desc(), assessments.c.site, assessments.c.item_kind, assessments.c.item_key)
        .limit(limit)
        .offset(offset)
    )
    return [dict(row._mapping) for row in connection.execute(query)], int(total)


def insecure_rows(connection: Connection, site: str | None = None) -> list[dict[str, Any]]:
    """Verdicts `insecure` (by the verdict index), of one site or the fleet, with their advisories."""
    query = select(assessments).where(assessments.c.verdict == "insecure")
    if site is not None:
        query = query.where(assessments.c.site == site)
    return [dict(row._mapping) for row in connection.execute(query.order_by(assessments.c.site, assessments.c.id))]


@dataclass(frozen=True, slots=True)
class ExtensionQuery:
    """Which extensions the fleet list shows: `insecure` or `outdated` only, a text in the key, a page."""

    only: str | None = None
    search: str | None = None
    page: int = 1
    per_page: int = 50


@dataclass(slots=True)
class ExtensionPage:
    """Extensions and plugins with their versions, sites and verdicts; `total` before paging."""

    items: list[dict[str, Any]]
    total: int
    query: ExtensionQuery
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def fleet_extensions(connection: Connection, query: ExtensionQuery) -> ExtensionPage:
    """One page of every extension, plugin, theme or module judged across the fleet, worst and widest first."""
    grouped = (
        select(
            assessments.c.item_kind,
            assessments.c.item_key,
            assessments.c.product,
            func.count(assessments.c.site.distinct()).label("site_count"),
            func.max(_RANK).label("rank"),
        )
        .where(assessments.c.item_kind.in_(COMPONENT_KINDS))
        .group_by(assessments.c.item_kind, assessments.c.item_key, assessments.c.product)
    )
    if query.search:
        grouped = grouped.where(func.lower(assessments.c.item_key).contains(query.search.lower(), autoescape=True))
    if query.only in EXTENSION_FILTERS:
        wanted = EXTENSION_FILTERS[query.only]
        grouped = grouped.having(func.sum(case((assessments.c.verdict.in_(wanted), 1), else_=0)) > 0)
    listed = grouped.subquery("listed")
    total = connection.scalar(select(func.count()).select_from(listed)) or 0
    page_rows = connection.execute(
        select(listed)
        .order_by(listed.c.rank.desc(), listed.c.site_count.desc(), listed.c.item_key, listed.c.item_kind)
        .limit(query.per_page)
        .offset((max(query.page, 1) - 1) * query.per_page)
    ).all()
    items = [
        {"kind": row.item_kind, "key": row.item_key, "product": row.product, "site_count": int(row.site_count),
         "worst": RANK_VERDICT.get(int(row.rank or 0), "unknown"), "versions": {}, "verdicts": {}, "sites": []}
        for row in page_rows
    ]  # fmt: skip
    _add_usage(connection, items)
    return ExtensionPage(items, int(total), query)


def _add_usage(connection: Connection, items: list[dict[str, Any]]) -> None:
    """Versions in use and verdicts (each with its site count) and the first sites, for the page's extensions.

    Counted in SQL, so a plugin on 10,000 sites costs three grouped reads, not 10,000 rows in Python.
    """
    if not items:
        return
    by_key = {(item["kind"], item["key"], item["product"]): item for item in items}
    ident = (assessments.c.item_kind, assessments.c.item_key, assessments.c.product)
    on_page = tuple_(assessments.c.item_kind, assessments.c.item_key).in_(sorted({key[:2] for key in by_key}))
    for column, target in ((assessments.c.version, "versions"), (assessments.c.verdict, "verdicts")):
        counted = select(*ident, column, func.count()).where(on_page).group_by(*ident, column)
        for kind, key, product, value, number in connection.execute(counted):
            item = by_key.get((kind, key, product))
            if item is not None:
                item[target][value or "?"] = int(number)
    numbered = (
        select(*ident, assessments.c.site, assessments.c.version, assessments.c.verdict, assessments.c.fixed_version,
               func.row_number().over(partition_by=ident, order_by=assessments.c.site).label("n"))
        .where(on_page)
        .subquery()
    )  # fmt: skip
    first = select(numbered).where(numbered.c.n <= SITES_SHOWN).order_by(numbered.c.site)
    for row in connection.execute(first):
        item = by_key.get((row.item_kind, row.item_key, row.product))
        if item is not None:
            item["sites"].append(
                {"site": row.site, "version": row.version, "verdict": row.verdict, "fixed_version": row.fixed_version}
            )
    for item in items:
        item["versions"] = dict(sorted(item["versions"].items(), key=lambda pair: (-pair[1], pair[0])))
        item["verdicts"] = dict(sorted(item["verdicts"].items(), key=lambda pair: -VERDICT_RANKS.get(pair[0], 0)))
