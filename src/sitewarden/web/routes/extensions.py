"""Extensions and plugins across the fleet, with versions, sites and verdicts, once inventories are stored."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.web.context import web
from sitewarden.web.extras import fleet_extensions


async def extensions_page(request: Request) -> Response:
    context = web(request)
    only = request.query_params.get("only") or None
    only = only if only in ("insecure", "outdated") else None
    rows = await context.read(fleet_extensions, only)
    return context.templates.TemplateResponse(
        request, "extensions.html", {"extensions": rows, "only": only, "known": rows is not None}
    )


routes = [Route("/extensions", extensions_page, name="extensions")]
