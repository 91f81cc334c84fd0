"""One site: its checks with state, history charts, recent results in full, events and actions."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.app.views import site_view
from sitewarden.store.history import RANGES
from sitewarden.web.context import web


async def site_page(request: Request) -> Response:
    context = web(request)
    name = request.path_params["name"]
    span = request.query_params.get("range") or "24h"
    if span not in RANGES:
        span = "24h"
    view = await context.read(site_view, name, span, context.thresholds)
    if view is None:
        raise HTTPException(404, f"no site named '{name}'")
    view.update(span=span, spans=list(RANGES))
    template = "site_checks.html" if request.query_params.get("fragment") == "checks" else "site.html"
    return context.templates.TemplateResponse(request, template, view)


routes = [Route("/sites/{name}", site_page, name="site")]
