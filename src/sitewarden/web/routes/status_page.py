"""Public, read-only status pages, one per configured group; they show only what the config allows."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.app.database import Session
from sitewarden.config.kinds import certificate_kinds
from sitewarden.results import utcnow
from sitewarden.store.history import site_checks
from sitewarden.store.overview import OverviewQuery, overview
from sitewarden.web.context import web
from sitewarden.web.settings import StatusPageSettings

MOST_SITES = 2000


def status_view(connection: Session, page: StatusPageSettings) -> dict[str, Any]:
    """Only public fields: name, status, and what the page's settings switch on."""
    data = overview(
        connection,
        OverviewQuery(group=page.group, sort="name", per_page=MOST_SITES),
        utcnow(),
        certificate_kinds=certificate_kinds(),
    )
    entries = []
    for row in data.sites:
        entry: dict[str, Any] = {"name": row.name, "status": row.status}
        if page.show_urls:
            entry["url"] = row.url
        if page.show_uptime:
            entry["uptime_24h"], entry["uptime_30d"] = row.uptime_24h, row.uptime_30d
        if page.show_checks:
            entry["checks"] = [
                {
                    "name": check["name"],
                    "status": check["hard_status"],
                    "summary": check["last_summary"] if page.show_summaries else None,
                }
                for check in site_checks(connection, row.id)
            ]
        entries.append(entry)
    return {"sites": entries, "counts": data.counts}


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
