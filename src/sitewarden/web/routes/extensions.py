"""Extensions and plugins across the fleet, with versions in use, sites and verdicts, as t3monitoring lists them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.store.verdicts import EXTENSION_FILTERS, ExtensionQuery, fleet_extensions
from sitewarden.web.context import web


def extension_query(request: Request) -> ExtensionQuery:
    """Filters from the query string; unknown values fall back to defaults rather than failing."""
    params = request.query_params
    only = params.get("only") or None
    try:
        page = max(1, int(params.get("page") or 1))
    except ValueError:
        page = 1
    return ExtensionQuery(
        only=only if only in EXTENSION_FILTERS else None,
        search=(params.get("q") or "").strip()[:200] or None,
        page=page,
    )


async def extensions_page(request: Request) -> Response:
    context = web(request)
    query = extension_query(request)
    page = await context.read(fleet_extensions, query)
    filters = {"only": query.only, "q": query.search}
    return context.templates.TemplateResponse(
        request, "extensions.html", {"page": page, "filters": filters, "choices": list(EXTENSION_FILTERS)}
    )


routes = [Route("/extensions", extensions_page, name="extensions")]
