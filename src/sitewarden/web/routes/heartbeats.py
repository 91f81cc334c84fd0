"""Heartbeat checks: the checks that wait for a ping, with their last ping and state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.store.tables import checks, sites, states
from sitewarden.web.context import web

HEARTBEAT_KIND = "heartbeat"


def heartbeat_rows(connection: Connection) -> list[dict[str, Any]]:
    query = (
        select(
            checks.c.id,
            checks.c.key,
            checks.c.name,
            checks.c.params,
            sites.c.name.label("site"),
            states.c.hard_status,
            states.c.last_status,
            states.c.last_summary,
            states.c.last_result_at,
            states.c.paused,
        )
        .select_from(checks.outerjoin(sites, sites.c.id == checks.c.site_id).outerjoin(states))
        .where(checks.c.kind == HEARTBEAT_KIND, checks.c.active.is_(True))
        .order_by(checks.c.key)
    )
    return [dict(row._mapping) for row in connection.execute(query)]


async def heartbeats_page(request: Request) -> Response:
    context = web(request)
    rows = await context.read(heartbeat_rows)
    return context.templates.TemplateResponse(request, "heartbeats.html", {"heartbeats": rows})


routes = [Route("/heartbeats", heartbeats_page, name="heartbeats")]
