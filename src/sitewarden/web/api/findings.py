"""/api/v1/findings: accepted findings; anyone signed in may list them, admins accept and revoke."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sitewarden.acceptance import utc_today
from sitewarden.app.findings import AcceptRequest, accept, listed, parse_until, revoke
from sitewarden.results import utcnow
from sitewarden.web.api.common import ApiError, admin, choice, integer, json_object, page, text
from sitewarden.web.audit import audit
from sitewarden.web.context import web
from sitewarden.web.ids import ROW_ID

BODY_FIELDS = {"site", "product", "reason", "until", "advisory", "verdict"}


async def list_findings(request: Request) -> Response:
    limit = integer(request, "limit", 100, 1, 500)
    offset = integer(request, "offset", 0, 0)
    site = text(request, "site")
    everything = choice(request, "all", ("true", "false")) == "true"
    today = utc_today()
    found = await web(request).read(lambda connection: listed(connection, site, everything=everything, today=today))
    items = [finding.as_dict(today) for finding in found[offset : offset + limit]]
    return JSONResponse(page(items, len(found), limit, offset))


async def create_finding(request: Request) -> Response:
    user = admin(request)
    accepted = _request(await json_object(request))
    finding = await web(request).read(accept, accepted, user.name, utcnow())
    await audit(request, "finding.accept", finding.site, id=finding.id, product=finding.product)
    return JSONResponse(finding.as_dict(utc_today()), status_code=201)


async def revoke_finding(request: Request) -> Response:
    user = admin(request)
    finding = await web(request).read(revoke, request.path_params["id"], user.name, utcnow())
    await audit(request, "finding.revoke", finding.site, id=finding.id, product=finding.product)
    return JSONResponse(finding.as_dict(utc_today()))


def _request(body: dict[str, Any]) -> AcceptRequest:
    unknown = sorted(set(body) - BODY_FIELDS)
    if unknown:
        raise ApiError(400, f"unknown field {unknown[0]!r}; fields are {', '.join(sorted(BODY_FIELDS))}")
    for name in ("site", "product", "reason", "until"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            raise ApiError(400, f"field '{name}' is required and must be a non-empty string")
    for name in ("advisory", "verdict"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise ApiError(400, f"field '{name}' must be a string")
    return AcceptRequest(
        site=body["site"][:200],
        product=body["product"][:300],
        reason=body["reason"],
        until=parse_until(body["until"]),
        advisory=(body.get("advisory") or None),
        verdict=(body.get("verdict") or None),
    )


routes = [
    Route("/findings", list_findings, methods=["GET"]),
    Route("/findings", create_finding, methods=["POST"]),
    Route(f"/findings/{ROW_ID}/revoke", revoke_finding, methods=["POST"]),
]
