"""Read model of inventories and verdicts for the dashboard and API: per page, per site, and across the fleet.

Fleet-wide filters are correlated `EXISTS` probes on the assessments' (site, kind, key) key, so the overview
stays a single indexed pass over the sites; everything else reads only the rows of the page being shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from sqlalchemy import Connection, case, exists, func, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from sitewarden.acceptance import ACCEPTED_AS, counted, is_accepted, site_worst, utc_today
from sitewarden.inventory.model import CmsName
from sitewarden.store.tables import assessments, inventory_snapshots
from sitewarden.verdict import OUTDATED as VERDICT_OUTDATED
from sitewarden.verdict import VERDICT_RANKS, worst_verdict

RANK_VERDICT = {rank: name for name, rank in VERDICT_RANKS.items()}
OUTDATED = ("insecure", *VERDICT_OUTDATED)
EXTENSION_FILTERS = {"insecure": ("insecure",), "outdated": OUTDATED}
COMPONENT_KINDS = ("extension", "plugin", "theme", "module")
CMS_NAMES: tuple[str, ...] = get_args(CmsName)
SITES_SHOWN = 20

_RANK = case(*((assessments.c.verdict == name, rank) for name, rank in VERDICT_RANKS.items()), else_=0)


def worst(verdicts: list[str]) -> str | None:
    """The most urgent of some verdicts."""
    return worst_verdict(verdicts)


def cms_condition(site_name: Any, cms: str) -> ColumnElement[bool]:
    """Sites whose core is this CMS: an indexed probe per site on the assessments' unique key."""
    a = assessments.alias("cms_probe")
    return exists().where(a.c.site == site_name, a.c.item_kind == "core", a.c.item_key == cms)


def verdict_condition(site_name: Any, verdict: str, today: date | None = None) -> ColumnElement[bool]:
    """Sites whose worst verdict is this one: the highest rank of their items, probed by the site-first key.

    An item whose finding is accepted ranks as `up_to_date`. No condition on the verdict column inside the probe:
    with one, SQLite picks the verdict index and scans every site's rows per site (minutes at 10,000 sites)
    instead of the few rows of one site.
    """
    a = assessments.alias("verdict_probe")
    accepted = a.c.accepted_until >= (today or utc_today())
    rank = case(
        (accepted, VERDICT_RANKS[ACCEPTED_AS]),
        *((a.c.verdict == name, value) for name, value in VERDICT_RANKS.items()),
        else_=0,
    )
    highest = select(func.max(rank)).where(a.c.site == site_name).scalar_subquery()
    return highest == VERDICT_RANKS[verdict]


def page_verdicts(connection: Connection, names: list[str]) -> dict[str, dict[str, Any]]:
    """CMS, version, core verdict and worst verdict of the shown sites (the inventory fills in unjudged ones)."""
    found: dict[str, dict[str, Any]] = {}
    a = assessments.c
    query = select(a.site, a.item_kind, a.item_key, a.version, a.verdict, a.accepted_until).where(a.site.in_(names))
    for row in connection.execute(query):
        entry = found.setdefault(row.site, {"rows": []})
        entry["rows"].append(dict(row._mapping))
        if row.item_kind == "core":
            entry.update(cms=row.item_key, version=row.version, core_verdict=row.verdict)
            entry["core_accepted"] = is_accepted(dict(row._mapping))
    for entry in found.values():
        rows = entry.pop("rows")
        open_rows = counted(rows)
        entry["verdict"] = site_worst(rows)
        entry["verdict_item"] = next(
            (f"{row['item_kind']} {row['item_key']} {row['version'] or ''}".strip() for row in open_rows
             if row["verdict"] == entry["verdict"]),
            None,
        )  # fmt: skip
        entry["insecure"] = sum(1 for row in open_rows if row["verdict"] == "insecure")
        entry["accepted"] = len(rows) - len(open_rows)
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
    """One page of every extension, plugin, theme or module judged across the fleet, worst and widest first.

    One grouped pass counts sites per (extension, verdict); filtering, order and paging of those few hundred or
    thousand groups happen here, so the table is read once, not once for the total and again for the page.
    """
    ident = (assessments.c.item_kind, assessments.c.item_key, assessments.c.product)
    grouped = (
        select(*ident, assessments.c.verdict, func.count())
        .where(assessments.c.item_kind.in_(COMPONENT_KINDS))
        .group_by(*ident, assessments.c.verdict)
    )
    if query.search:
        grouped = grouped.where(func.lower(assessments.c.item_key).contains(query.search.lower(), autoescape=True))
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for kind, key, product, verdict, number in connection.execute(grouped):
        item = found.setdefault(
            (kind, key, product),
            {"kind": kind, "key": key, "product": product, "site_count": 0, "worst": "unknown", "versions": {},
             "verdicts": {}, "sites": []},
        )  # fmt: skip
        item["site_count"] += int(number)
        item["verdicts"][verdict] = int(number)
        item["worst"] = worst([item["worst"], verdict])
    listed = list(found.values())
    if query.only in EXTENSION_FILTERS:
        wanted = EXTENSION_FILTERS[query.only]
        listed = [item for item in listed if any(verdict in wanted for verdict in item["verdicts"])]
    listed.sort(key=lambda item: (-VERDICT_RANKS.get(item["worst"], 0), -item["site_count"], item["key"], item["kind"]))
    start = (max(query.page, 1) - 1) * query.per_page
    items = listed[start : start + query.per_page]
    _add_usage(connection, items)
    return ExtensionPage(items, len(listed), query)


def _add_usage(connection: Connection, items: list[dict[str, Any]]) -> None:
    """Versions in use (each with its site count) and the first sites, for the page's extensions.

    Counted in SQL, so a plugin on 10,000 sites costs two reads of the page's rows, not 10,000 rows in Python.
    """
    if not items:
        return
    by_key = {(item["kind"], item["key"], item["product"]): item for item in items}
    ident = (assessments.c.item_kind, assessments.c.item_key, assessments.c.product)
    on_page = tuple_(assessments.c.item_kind, assessments.c.item_key).in_(sorted({key[:2] for key in by_key}))
    counted = select(*ident, assessments.c.version, func.count()).where(on_page).group_by(*ident, assessments.c.version)
    for kind, key, product, version, number in connection.execute(counted):
        item = by_key.get((kind, key, product))
        if item is not None:
            item["versions"][version or "?"] = int(number)
    numbered = (
        select(*ident, assessments.c.site, assessments.c.version, assessments.c.verdict, assessments.c.fixed_version,
               assessments.c.accepted_until, assessments.c.branch, assessments.c.support, assessments.c.upgrade,
               assessments.c.caveat,
               func.row_number().over(partition_by=ident, order_by=assessments.c.site).label("n"))
        .where(on_page)
        .subquery()
    )  # fmt: skip
    first = select(numbered).where(numbered.c.n <= SITES_SHOWN).order_by(numbered.c.site)
    for row in connection.execute(first):
        item = by_key.get((row.item_kind, row.item_key, row.product))
        if item is not None:
            item["sites"].append(
                {"site": row.site, "version": row.version, "verdict": row.verdict, "fixed_version": row.fixed_version,
                 "branch": row.branch, "support": row.support, "upgrade": row.upgrade, "caveat": row.caveat,
                 "accepted": is_accepted({"accepted_until": row.accepted_until})}
            )  # fmt: skip
    for item in items:
        item["versions"] = dict(sorted(item["versions"].items(), key=lambda pair: (-pair[1], pair[0])))
        item["verdicts"] = dict(sorted(item["verdicts"].items(), key=lambda pair: -VERDICT_RANKS.get(pair[0], 0)))


def verdict_tally(connection: Connection, today: date | None = None) -> list[tuple[str, str, bool, int]]:
    """Items per (site, verdict, accepted today), counted in SQL: what /metrics sums up without reading every row."""
    accepted = case((assessments.c.accepted_until >= (today or utc_today()), 1), else_=0).label("accepted")
    query = select(assessments.c.site, assessments.c.verdict, accepted, func.count()).group_by(
        assessments.c.site, assessments.c.verdict, accepted
    )
    return [(site, verdict, bool(flag), int(number)) for site, verdict, flag, number in connection.execute(query)]


def branch_tally(connection: Connection) -> list[tuple[str | None, str | None, int]]:
    """Judged items per (branch support state, upgrade hint), counted in SQL for /metrics."""
    query = select(assessments.c.support, assessments.c.upgrade, func.count()).group_by(
        assessments.c.support, assessments.c.upgrade
    )
    return [(support, upgrade, int(number)) for support, upgrade, number in connection.execute(query)]
