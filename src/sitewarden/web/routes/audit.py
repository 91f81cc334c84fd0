"""The audit log page for admins (the API serves the same at /api/v1/audit)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.store.audit import audit_entries
from sitewarden.web.context import web
from sitewarden.web.ids import row_id
from sitewarden.web.routes.forms import require_admin

PAGE = 100


async def audit_page(request: Request) -> Response:
    context = web(request)
    require_admin(request)
    entries = await context.read(audit_entries, PAGE, row_id(request.query_params.get("before")))
    following = entries[-1].id if len(entries) == PAGE else None
    return context.templates.TemplateResponse(request, "audit.html", {"entries": entries, "next_before": following})


routes = [Route("/audit", audit_page, methods=["GET"], name="audit")]
