"""Heartbeat checks: the URL each job pings, its last ping and run, and the check's state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.config.kinds import push_kinds
from sitewarden.store.heartbeats import list_heartbeats
from sitewarden.store.tables import checks, sites, states
from sitewarden.web.context import web


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
        .where(checks.c.kind.in_(push_kinds()), checks.c.active.is_(True))
        .order_by(checks.c.key)
    )
    facts = {beat.check_key: beat for beat in list_heartbeats(connection)}
    rows = []
    for row in connection.execute(query):
        item = dict(row._mapping)
        beat = facts.get(item["key"])
        item["uuid"] = beat.uuid if beat is not None else None
        item["last_ping_at"] = beat.last_ping_at if beat is not None else None
        item["last_kind"] = beat.last_kind if beat is not None else None
        item["last_duration_s"] = beat.last_duration_s if beat is not None else None
        rows.append(item)
    return rows


async def heartbeats_page(request: Request) -> Response:
    context = web(request)
    rows = await context.read(heartbeat_rows)
    base = str(request.base_url).rstrip("/")
    return context.templates.TemplateResponse(request, "heartbeats.html", {"heartbeats": rows, "base": base})


routes = [Route("/heartbeats", heartbeats_page, name="heartbeats")]
