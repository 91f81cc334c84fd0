"""Reads behind fleet queries: active sites, the latest judged items of a kind or name, check states.

Each read fetches only what one query term needs, by an index: items by (kind, key) or by product, verdicts by
site, states by check; the caller combines them.

An item whose finding is accepted (in force today) has the verdict `up_to_date` for filtering, as in the overview's
verdict filter and a site's worst verdict: `verdict:insecure` finds only what nobody has decided to live with. Its
judged verdict and the acceptance's last day come along too, so what is shown tells the truth.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, String, case, cast, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from sitewarden.acceptance import ACCEPTED_AS, utc_today
from sitewarden.store.tables import assessments, checks, sites, states
from sitewarden.verdict import VERDICT_RANKS


def _accepted(today: date) -> ColumnElement[bool]:
    return assessments.c.accepted_until >= today


def _verdict(today: date) -> ColumnElement[str]:
    """The verdict a query filters on: an accepted finding counts as `up_to_date`."""
    return case((_accepted(today), ACCEPTED_AS), else_=assessments.c.verdict).label("verdict")


def _accepted_until(today: date) -> ColumnElement[date | None]:
    """The last day of the acceptance in force today, else NULL."""
    return case((_accepted(today), assessments.c.accepted_until), else_=None).label("accepted_until")


def _item_columns(today: date) -> tuple[Any, ...]:
    return (
        assessments.c.site,
        assessments.c.item_kind,
        assessments.c.item_key,
        assessments.c.product,
        assessments.c.version,
        _verdict(today),
        assessments.c.branch,
        assessments.c.verdict.label("judged"),
        _accepted_until(today),
    )


STATUS_NAMES = {0: "ok", 1: "warning", 2: "error", 3: "unknown"}
RANK_VERDICT = {rank: name for name, rank in VERDICT_RANKS.items()}


def active_sites(connection: Connection) -> list[tuple[str, str, str]]:
    """Every active site by name: name, URL and its groups as JSON text (decoded by the caller only when needed)."""
    query = select(sites.c.name, sites.c.url, cast(sites.c.groups, String)).where(sites.c.active.is_(True))
    return [(name, url, groups or "[]") for name, url, groups in connection.execute(query.order_by(sites.c.name))]


def item_rows(
    connection: Connection,
    *,
    kind: str | None,
    key: str | None,
    product: str | None,
    verdict: str | None = None,
    with_sites: bool = False,
    today: date | None = None,
) -> list[tuple[Any, ...]]:
    """Judged items (site, kind, key, product, version, verdict, branch, judged, accepted_until) of one kind, name
    or verdict.

    A pattern in the key or product is not narrowed here. `verdict` is the one a query filters on (accepted findings
    count as `up_to_date`); `judged` is the stored verdict and `accepted_until` the last day of an acceptance in force
    (else None), for showing.

    `with_sites` joins the active sites and appends their URL and groups (JSON text), so a query whose first term
    is an item starts from that item's rows instead of every site.
    """
    today = today or utc_today()
    columns = _item_columns(today)
    query = select(*columns)
    if with_sites:
        query = (
            select(*columns, sites.c.url, cast(sites.c.groups, String))
            .join(sites, sites.c.name == assessments.c.site)
            .where(sites.c.active.is_(True))
        )
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
    if verdict == ACCEPTED_AS:
        query = query.where(or_(assessments.c.verdict == verdict, _accepted(today)))
    elif verdict is not None:  # the stored verdict narrows by index; accepted rows are left out after
        accepted = _accepted(today)
        query = query.where(assessments.c.verdict == verdict, or_(assessments.c.accepted_until.is_(None), ~accepted))
    return [tuple(row) for row in connection.execute(query)]


def worst_verdicts(connection: Connection, today: date | None = None) -> dict[str, str]:
    """The worst verdict of every judged site, accepted findings ranked as `up_to_date`."""
    rank = case(
        (_accepted(today or utc_today()), VERDICT_RANKS[ACCEPTED_AS]),
        *((assessments.c.verdict == name, value) for name, value in VERDICT_RANKS.items()),
        else_=0,
    )
    query = select(assessments.c.site, func.max(rank)).group_by(assessments.c.site)
    return {site: RANK_VERDICT.get(int(rank or 0), "unknown") for site, rank in connection.execute(query)}


def check_statuses(connection: Connection) -> list[tuple[str, str, str, str]]:
    """Site, check name, kind and confirmed status of every active check (`pending` before its first hard status)."""
    query = (
        select(sites.c.name, checks.c.name, checks.c.kind, states.c.hard_status)
        .join(checks, checks.c.site_id == sites.c.id)
        .outerjoin(states, states.c.check_id == checks.c.id)
        .where(sites.c.active.is_(True), checks.c.active.is_(True))
    )
    rows = connection.execute(query)
    return [(site, name, kind, STATUS_NAMES.get(status, "pending")) for site, name, kind, status in rows]


def _pattern(text: str) -> bool:
    return "*" in text or "?" in text
