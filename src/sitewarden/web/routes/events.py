"""The event stream with filters by site, type and minimum severity, paged by id; notification deliveries."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.app.database import Session
from sitewarden.app.views import engine_freshness
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.store.delivery_log import delivery_states, recent_deliveries
from sitewarden.store.events import recent_events
from sitewarden.web.context import web
from sitewarden.web.ids import row_id

PAGE = 50
DELIVERIES = 30


def event_filters(request: Request) -> dict[str, str | None]:
    params = request.query_params
    kind = params.get("type") or None
    severity = params.get("severity") or None
    return {
        "site": (params.get("site") or "").strip()[:200] or None,
        "channel": (params.get("channel") or "").strip()[:300] or None,
        "type": kind if kind in {item.value for item in EventType} else None,
        "severity": severity if severity in {item.label for item in Severity} else None,
    }


async def events_page(request: Request) -> Response:
    context = web(request)
    filters = event_filters(request)
    before = request.query_params.get("before")
    before_id = row_id(before)
    failed_only = request.query_params.get("deliveries") == "failed"

    def work(connection: Session) -> tuple[list[Event], list[dict[str, Any]], dict[str, int], dict[str, Any]]:
        found = recent_events(
            connection,
            limit=PAGE,
            site=filters["site"],
            types=[filters["type"]] if filters["type"] else None,
            min_severity=Severity.parse(filters["severity"]) if filters["severity"] else None,
            before_id=before_id,
            channel=filters["channel"],
        )
        return (
            found,
            recent_deliveries(connection, limit=DELIVERIES, failed_only=failed_only),
            delivery_states(connection),
            engine_freshness(connection),
        )

    events, deliveries, delivery_counts, freshness = await context.read(work)
    return context.templates.TemplateResponse(
        request,
        "events.html",
        {
            "events": events,
            "filters": filters,
            "types": [item.value for item in EventType],
            "severities": [item.label for item in Severity],
            "older": events[-1].id if len(events) == PAGE else None,
            "deliveries": deliveries,
            "delivery_counts": delivery_counts,
            "failed_only": failed_only,
            "freshness": freshness,
        },
    )


routes = [Route("/events", events_page, name="events")]
