"""Public, read-only status pages, one per configured group; they show only what the config allows."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.app.views import status_view
from sitewarden.web.context import web


async def status_page(request: Request) -> Response:
    context = web(request)
    page = context.settings.status_page(request.path_params["slug"])
    if page is None:
        raise HTTPException(404, "no such status page")
    view = await context.read(status_view, page)
    response = context.templates.TemplateResponse(
        request, "status_page.html", {"settings": page, "title": page.title or page.group, **view}
    )
    response.headers["cache-control"] = "public, max-age=30"
    return response


routes = [Route("/status/{slug}", status_page, name="status_page")]
