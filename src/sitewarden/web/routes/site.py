"""One site: its checks with state, history charts, recent results in full, events and actions."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.app.database import Session
from sitewarden.results import utcnow
from sitewarden.store.events import recent_events
from sitewarden.store.history import RANGES, check_history, site_checks, site_row
from sitewarden.store.maintenance import site_windows
from sitewarden.store.results import recent_results
from sitewarden.web.context import web
from sitewarden.web.extras import site_extras

RECENT = 10


def site_view(connection: Session, name: str, span: str) -> dict[str, Any] | None:
    """Everything the site page shows, read in one transaction."""
    site = site_row(connection, name)
    if site is None or not site["active"]:
        return None
    now = utcnow()
    checks = site_checks(connection, site["id"])
    ids = [check["id"] for check in checks]
    history = check_history(connection, ids, span, now) if ids else {}
    for check in checks:
        check["history"] = history.get(check["id"], [])
        check["recent"] = recent_results(connection, check["id"], RECENT)
    return {
        "site": site,
        "checks": checks,
        "events": recent_events(connection, limit=20, site=name),
        "windows": site_windows(connection, name, now),
        "extras": site_extras(connection, name),
        "now": now,
    }


async def site_page(request: Request) -> Response:
    context = web(request)
    name = request.path_params["name"]
    span = request.query_params.get("range") or "24h"
    if span not in RANGES:
        span = "24h"
    view = await context.read(site_view, name, span)
    if view is None:
        raise HTTPException(404, f"no site named '{name}'")
    view.update(span=span, spans=list(RANGES))
    template = "site_checks.html" if request.query_params.get("fragment") == "checks" else "site.html"
    return context.templates.TemplateResponse(request, template, view)


routes = [Route("/sites/{name}", site_page, name="site")]
