"""The overview page: every site with its worst status, uptime, sparkline and certificate, filtered and paged."""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.app.bulk import ACTIONS as BULK_ACTIONS
from sitewarden.app.views import engine_freshness, overview_with_groups
from sitewarden.fleet.query import QueryError
from sitewarden.store.overview import SORTS, STATUS_RANKS, OverviewQuery
from sitewarden.store.verdicts import CMS_NAMES
from sitewarden.verdict import VERDICT_RANKS
from sitewarden.web.context import web

PER_PAGE = (25, 50, 100, 200)


def overview_query(request: Request) -> OverviewQuery:
    """Filters from the query string; unknown values fall back to defaults rather than failing."""
    params = request.query_params
    status = params.get("status") or None
    sort = params.get("sort") or "status"
    cms, verdict = params.get("cms") or None, params.get("verdict") or None
    try:
        page = max(1, int(params.get("page") or 1))
    except ValueError:
        page = 1
    try:
        per_page = int(params.get("per_page") or 50)
    except ValueError:
        per_page = 50
    return OverviewQuery(
        status=status if status in STATUS_RANKS else None,
        group=(params.get("group") or "").strip() or None,
        search=(params.get("q") or "").strip()[:500] or None,
        cms=cms if cms in CMS_NAMES else None,
        verdict=verdict if verdict in VERDICT_RANKS else None,
        sort=sort if sort in SORTS else "status",
        page=page,
        per_page=per_page if per_page in PER_PAGE else 50,
    )


async def overview_page(request: Request) -> Response:
    context = web(request)
    query = overview_query(request)

    query_error = None
    try:
        page, matches, groups = await context.read(overview_with_groups, query)
    except QueryError as error:
        query_error = error
        page, matches, groups = await context.read(overview_with_groups, replace(query, search=None, names=frozenset()))
    engine = await context.read(engine_freshness)
    filters = {
        "status": query.status,
        "group": query.group,
        "cms": query.cms,
        "verdict": query.verdict,
        "q": query.search,
        "sort": query.sort,
    }
    if query.per_page != 50:
        filters["per_page"] = str(query.per_page)
    template = "overview_table.html" if request.query_params.get("fragment") == "table" else "overview.html"
    return context.templates.TemplateResponse(
        request,
        template,
        {
            "page": page,
            "matches": matches,
            "query_error": query_error,
            "groups": groups,
            "filters": filters,
            "statuses": list(STATUS_RANKS),
            "cms_names": CMS_NAMES,
            "verdicts": list(VERDICT_RANKS),
            "sorts": SORTS,
            "per_pages": PER_PAGE,
            "engine": engine,
            "bulk_actions": BULK_ACTIONS,
        },
    )


routes = [Route("/", overview_page, name="overview")]
