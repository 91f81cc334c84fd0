"""GET /api/v1/audit: the audit log of admin actions, newest first, for admins."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sitewarden.store.audit import audit_entries
from sitewarden.web.api.common import admin, integer
from sitewarden.web.context import web
from sitewarden.web.ids import MAX_ROW_ID


async def audit_api(request: Request) -> Response:
    admin(request)
    limit = integer(request, "limit", 100, 1, 500)
    before = integer(request, "before_id", 0, 1, MAX_ROW_ID) if request.query_params.get("before_id") else None
    entries = await web(request).read(audit_entries, limit, before)
    following = entries[-1].id if len(entries) == limit else None
    return JSONResponse({"items": [entry.as_dict() for entry in entries], "limit": limit, "next_before_id": following})


routes = [Route("/audit", audit_api, methods=["GET"])]
