"""Everything under /api/v1: the collections, the OpenAPI document, and JSON for every error."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from sitewarden.web.api import audit, bulk, checks, feed, findings, inventory, reports, sites
from sitewarden.web.api.openapi import openapi_document


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


def api_mount() -> Mount:
    return Mount(
        "/api/v1",
        routes=[
            Route("/openapi.json", openapi, methods=["GET"]),
            *sites.routes,
            *checks.routes,
            *feed.routes,
            *inventory.routes,
            *findings.routes,
            *reports.routes,
            *audit.routes,
            *bulk.routes,
        ],
    )
