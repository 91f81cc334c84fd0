"""Heartbeat checks: the URL each job pings, its last ping and run, and the check's state."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.config.kinds import push_kinds
from sitewarden.store.heartbeats import heartbeat_rows
from sitewarden.web.context import web


async def heartbeats_page(request: Request) -> Response:
    context = web(request)
    rows = await context.read(heartbeat_rows, push_kinds())
    base = str(request.base_url).rstrip("/")
    return context.templates.TemplateResponse(request, "heartbeats.html", {"heartbeats": rows, "base": base})


routes = [Route("/heartbeats", heartbeats_page, name="heartbeats")]
