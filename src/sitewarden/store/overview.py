"""Read model of the dashboard's overview: every site with its worst status, filtered, sorted and paged in SQL.

Only the page being shown gets the costlier figures (sparkline, certificate; uptime comes from `app.uptime`), so
the page costs the same at 10,000 sites as at 10.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, String, and_, case, cast, func, select

from sitewarden.store.batches import chunked, in_names
from sitewarden.store.tables import checks, results, rollups, sites, states
from sitewarden.store.verdicts import cms_condition, verdict_condition
from sitewarden.verdict import VERDICT_RANKS

STATUS_RANKS = {"error": 4, "warning": 3, "unknown": 2, "ok": 1, "pending": 0}
RANK_STATUS = {rank: name for name, rank in STATUS_RANKS.items()}
SORTS = ("status", "name", "response")
CERTIFICATE_METRIC = "days_left"
"""The metric of kinds that judge a certificate (their kinds come from the caller: the store knows no probes)."""

_RANK = case(
    (states.c.hard_status == 2, 4),
    (states.c.hard_status == 1, 3),
    (states.c.hard_status == 3, 2),
    (states.c.hard_status == 0, 1),
    else_=0,
)


@dataclass(frozen=True, slots=True)
class OverviewQuery:
    """What the overview shows: filters, sort and page (all optional)."""

    status: str | None = None
    group: str | None = None
    search: str | None = None
    cms: str | None = None
    verdict: str | None = None
    names: frozenset[str] | None = None
    """Only these sites (the matches of a fleet query), when given."""
    sort: str = "status"
    page: int = 1
    per_page: int = 50


@dataclass(slots=True)
class SiteSummary:
    """One overview row."""

    id: int
    name: str
    url: str
    groups: list[str]
    source: str
    status: str
    checks: int
    paused: int
    response_ms: float | None
    last_result_at: datetime | None
    uptime_24h: float | None = None
    uptime_7d: float | None = None
    uptime_30d: float | None = None
    """Uptime figures are filled by `app.uptime` (None here)."""
    sparkline: list[float | None] = field(default_factory=list)
    certificate_days: float | None = None
    domain_days: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class OverviewPage:
    """A page of sites, the total after filtering, and the count of sites per status before the status filter."""

    sites: list[SiteSummary]
    total: int
    counts: dict[str, int]
    query: OverviewQuery

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def overview(
    connection: Connection,
    query: OverviewQuery,
    now: datetime,
    *,
    certificate_kinds: Collection[str],
    domain_kinds: Collection[str] = (),
) -> OverviewPage:
    """One page of the overview with its counts; three indexed queries plus three for the page's figures.

    `certificate_kinds` are the check kinds whose `days_left` metric gives a site's certificate days.
    """
    per_site = _per_site(query, connection.dialect.name).subquery("per_site")
    counts = dict.fromkeys(STATUS_RANKS, 0)
    for rank, number in connection.execute(select(per_site.c.rank, func.count()).group_by(per_site.c.rank)):
        counts[RANK_STATUS[int(rank or 0)]] = int(number)
    wanted = STATUS_RANKS.get(query.status) if query.status else None
    total = sum(counts.values()) if wanted is None else counts[query.status or ""]
    page_query = select(per_site)
    if wanted is not None:
        page_query = page_query.where(per_site.c.rank == wanted)
    page_query = page_query.order_by(*_order(per_site, query.sort))
    page_query = page_query.limit(query.per_page).offset((max(query.page, 1) - 1) * query.per_page)
    rows = [_summary(row) for row in connection.execute(page_query)]
    if rows:
        add_page_figures(connection, rows, now, certificate_kinds, domain_kinds)
    return OverviewPage(rows, total, counts, query)


def site_groups(connection: Connection) -> list[str]:
    """Every group used by an active site, for the filter list."""
    names: set[str] = set()
    for (groups,) in connection.execute(select(sites.c.groups).where(sites.c.active.is_(True))):
        names.update(groups or [])
    return sorted(names)


def add_page_figures(
    connection: Connection,
    rows: list[SiteSummary],
    now: datetime,
    certificate_kinds: Collection[str],
    domain_kinds: Collection[str] = (),
) -> None:
    """A 24-hour response-time sparkline and certificate days left, for shown sites.

    Rollups are read by check id (their unique index), never by a join on sites, so the cost follows the page.
    """
    by_id = {row.id: row for row in rows}
    site_of = dict(
        connection.execute(
            select(checks.c.id, checks.c.site_id).where(checks.c.site_id.in_(list(by_id)), checks.c.active.is_(True))
        ).all()
    )
    if not site_of:
        return
    first = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    spark: dict[int, list[list[float]]] = {site_id: [[0.0, 0.0] for _ in range(24)] for site_id in by_id}
    query = select(rollups.c.check_id, rollups.c.bucket, rollups.c.count, rollups.c.duration_sum).where(
        rollups.c.check_id.in_(list(site_of)), rollups.c.period == "hour", rollups.c.bucket >= first
    )
    for check_id, bucket, count, duration_sum in connection.execute(query):
        index = int((bucket - first).total_seconds() // 3600)
        if 0 <= index < 24:
            spark[site_of[check_id]][index][0] += duration_sum
            spark[site_of[check_id]][index][1] += count
    for site_id, hours in spark.items():
        by_id[site_id].sparkline = [duration / count if count else None for duration, count in hours]
    for site_id, days in certificate_days(connection, list(by_id), certificate_kinds).items():
        by_id[site_id].certificate_days = days
    if domain_kinds:
        for site_id, days in certificate_days(connection, list(by_id), domain_kinds).items():
            by_id[site_id].domain_days = days


def certificate_days(connection: Connection, site_ids: list[int], kinds: Collection[str]) -> dict[int, float]:
    """Fewest certificate days left per site, from the latest result of each of its checks of these kinds."""
    found: dict[int, float] = {}
    for _, site_id, days in latest_certificates(connection, kinds, site_ids):
        if site_id is not None:
            found[site_id] = min(days, found.get(site_id, days))
    return found


def latest_certificates(
    connection: Connection, kinds: Collection[str], site_ids: list[int] | None = None
) -> list[tuple[int, int | None, float]]:
    """(check id, site id, days left) from the latest result of each active check of these kinds, in one join.

    The state's `last_result_at` is that result's `started_at`, so the (check_id, started_at) index finds it
    directly: no per-check query and no `max()` over a check's history.
    """
    query = (
        select(checks.c.id, checks.c.site_id, results.c.metrics)
        .select_from(
            checks.join(states, states.c.check_id == checks.c.id).join(
                results, and_(results.c.check_id == checks.c.id, results.c.started_at == states.c.last_result_at)
            )
        )
        .where(checks.c.kind.in_(list(kinds)), checks.c.active.is_(True))
    )
    found: dict[int, tuple[int, int | None, float]] = {}
    queries = [query] if site_ids is None else [query.where(checks.c.site_id.in_(chunk)) for chunk in chunked(site_ids)]
    for statement in queries:
        for check_id, site_id, metrics in connection.execute(statement):
            for metric in metrics or []:
                if metric.get("name") == CERTIFICATE_METRIC and metric.get("value") is not None:
                    found[int(check_id)] = (int(check_id), site_id, float(metric["value"]))
    return list(found.values())


def _per_site(query: OverviewQuery, dialect: str) -> Select[Any]:
    statement = (
        select(
            sites.c.id,
            sites.c.name,
            sites.c.url,
            sites.c.groups,
            sites.c.source,
            func.max(_RANK).label("rank"),
            func.count(checks.c.id).label("checks"),
            func.sum(case((states.c.paused.is_(True), 1), else_=0)).label("paused"),
            func.avg(states.c.last_duration_ms).label("response_ms"),
            func.max(states.c.last_result_at).label("last_result_at"),
        )
        .select_from(
            sites.outerjoin(checks, and_(checks.c.site_id == sites.c.id, checks.c.active.is_(True))).outerjoin(
                states, states.c.check_id == checks.c.id
            )
        )
        .where(sites.c.active.is_(True))
        .group_by(sites.c.id)
    )
    if query.group:
        statement = statement.where(cast(sites.c.groups, String).like(f"%{_json_string(query.group)}%", escape="\\"))
    if query.names is not None:
        statement = statement.where(in_names(sites.c.name, query.names, dialect))
    if query.cms:
        statement = statement.where(cms_condition(sites.c.name, query.cms))
    if query.verdict is not None and query.verdict in VERDICT_RANKS:
        statement = statement.where(verdict_condition(sites.c.name, query.verdict))
    if query.search:
        needle = f"%{_escape_like(query.search.lower())}%"
        statement = statement.where(
            func.lower(sites.c.name).like(needle, escape="\\") | func.lower(sites.c.url).like(needle, escape="\\")
        )
    return statement


def _order(per_site: Any, sort: str) -> list[Any]:
    if sort == "name":
        return [per_site.c.name]
    if sort == "response":
        return [per_site.c.response_ms.is_(None), per_site.c.response_ms.desc(), per_site.c.name]
    return [per_site.c.rank.desc(), per_site.c.name]


def _summary(row: Any) -> SiteSummary:
    return SiteSummary(
        id=row.id,
        name=row.name,
        url=row.url,
        groups=list(row.groups or []),
        source=row.source,
        status=RANK_STATUS[int(row.rank or 0)],
        checks=int(row.checks),
        paused=int(row.paused or 0),
        response_ms=float(row.response_ms) if row.response_ms is not None else None,
        last_result_at=row.last_result_at,
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _json_string(text: str) -> str:
    import json

    return _escape_like(json.dumps(text))
