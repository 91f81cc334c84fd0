"""/api/v1/reports/sla: the SLA report of a period as JSON (the default), CSV or PDF."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sitewarden.app.sla_formats import report_csv, report_json
from sitewarden.app.sla_reports import build, choose_period, render
from sitewarden.results import utcnow
from sitewarden.web.api.common import choice, text
from sitewarden.web.context import web


async def get_sla(request: Request) -> Response:
    fmt = choice(request, "format", ("json", "csv", "pdf")) or "json"
    now = utcnow()
    period = choose_period(text(request, "month", 7), text(request, "from", 40), text(request, "to", 40), now)
    group, site = text(request, "group"), text(request, "site")
    context = web(request)
    targets, windows = context.sla_targets, context.sla_maintenance
    report = await context.read(
        lambda session: build(session, targets, period, group=group, site=site, now=now, maintenance=windows)
    )
    if fmt == "csv":
        return Response(report_csv(report), media_type="text/csv; charset=utf-8")
    if fmt == "pdf":
        return Response(render(report, "pdf"), media_type="application/pdf")
    return JSONResponse(report_json(report))


routes = [Route("/reports/sla", get_sla, methods=["GET"])]
