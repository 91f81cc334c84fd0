"""Reads behind fleet queries: active sites, the latest judged items of a kind or name, check states.

Each read fetches only what one query term needs, by an index: items by (kind, key) or by product, verdicts by
site, states by check; the caller combines them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, case, func, select

from sitewarden.store.tables import assessments, checks, sites, states
from sitewarden.verdict import VERDICT_RANKS

ITEM_COLUMNS = (
    assessments.c.site,
    assessments.c.item_kind,
    assessments.c.item_key,
    assessments.c.product,
    assessments.c.version,
    assessments.c.verdict,
    assessments.c.branch,
)
STATUS_NAMES = {0: "ok", 1: "warning", 2: "error", 3: "unknown"}
RANK_VERDICT = {rank: name for name, rank in VERDICT_RANKS.items()}
_RANK = case(*((assessments.c.verdict == name, rank) for name, rank in VERDICT_RANKS.items()), else_=0)


def active_sites(connection: Connection) -> list[dict[str, Any]]:
    """Every active site with its URL and groups, by name."""
    query = select(sites.c.name, sites.c.url, sites.c.groups).where(sites.c.active.is_(True)).order_by(sites.c.name)
    return [{"name": name, "url": url, "groups": list(groups or [])} for name, url, groups in connection.execute(query)]


def item_rows(
    connection: Connection, *, kind: str | None, key: str | None, product: str | None
) -> list[dict[str, Any]]:
    """Judged items of one kind and/or name (key or product; None or a pattern: not narrowed here)."""
    query = select(*ITEM_COLUMNS)
    if kind is not None:
        query = query.where(assessments.c.item_kind == kind)
    if key is not None and not _pattern(key):
        query = (
            query.where(func.lower(assessments.c.item_key) == key)
            if kind is None
            else query.where(assessments.c.item_key == key)
        )
    if product is not None and not _pattern(product):
        query = query.where(assessments.c.product == product)
    return [dict(row._mapping) for row in connection.execute(query)]


def worst_verdicts(connection: Connection) -> dict[str, str]:
    """The worst verdict of every judged site."""
    query = select(assessments.c.site, func.max(_RANK)).group_by(assessments.c.site)
    return {site: RANK_VERDICT.get(int(rank or 0), "unknown") for site, rank in connection.execute(query)}


def check_statuses(connection: Connection) -> list[dict[str, Any]]:
    """The confirmed status of every active check of an active site (`pending` before its first hard status)."""
    query = (
        select(sites.c.name, checks.c.name, checks.c.kind, states.c.hard_status)
        .join(checks, checks.c.site_id == sites.c.id)
        .outerjoin(states, states.c.check_id == checks.c.id)
        .where(sites.c.active.is_(True), checks.c.active.is_(True))
    )
    return [
        {"site": site, "check": name, "kind": kind, "status": STATUS_NAMES.get(status, "pending")}
        for site, name, kind, status in connection.execute(query)
    ]


def _pattern(text: str) -> bool:
    return "*" in text or "?" in text
