"""/api/v1/checks, /states and /results: checks with their states, raw results and history; run/pause/ack."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sitewarden.app.commands import command_check
from sitewarden.app.database import Session
from sitewarden.results import Status, utcnow
from sitewarden.store.history import RANGES, check_history, check_rows, result_rows
from sitewarden.store.results import add_failure_classes
from sitewarden.web.api import shapes
from sitewarden.web.api.common import ApiError, admin, choice, integer, iso, json_object, moment, page, text
from sitewarden.web.audit import audit
from sitewarden.web.context import web
from sitewarden.web.ids import MAX_ROW_ID, ROW_ID

STATUSES = tuple(status.label for status in Status)
ACTIONS = {"run": "run_now", "pause": "pause", "resume": "resume", "acknowledge": "acknowledge"}


def _status(request: Request) -> int | None:
    label = choice(request, "status", STATUSES)
    return int(Status.parse(label)) if label else None


async def list_checks(request: Request) -> Response:
    limit = integer(request, "limit", 100, 1, 500)
    offset = integer(request, "offset", 0, 0)
    site, kind, status = text(request, "site"), text(request, "kind", 50), _status(request)
    rows, total = await web(request).read(
        lambda connection: _classified(
            connection, check_rows(connection, site=site, kind=kind, status=status, limit=limit, offset=offset)
        )
    )
    return JSONResponse(page([shapes.check(row) for row in rows], total, limit, offset))


async def list_states(request: Request) -> Response:
    limit = integer(request, "limit", 100, 1, 500)
    offset = integer(request, "offset", 0, 0)
    site, status = text(request, "site"), _status(request)
    rows, total = await web(request).read(
        lambda connection: _classified(
            connection, check_rows(connection, site=site, status=status, limit=limit, offset=offset)
        )
    )
    items = [{"check_id": row["id"], "key": row["key"], **shapes.state(row)} for row in rows]
    return JSONResponse(page(items, total, limit, offset))


def _classified(connection: Session, found: tuple[list[dict[str, Any]], int]) -> tuple[list[dict[str, Any]], int]:
    return add_failure_classes(connection, found[0]), found[1]


def _one(connection: Session, check_id: int) -> dict[str, Any]:
    rows, _ = _classified(connection, check_rows(connection, check_id=check_id, limit=1))
    if not rows:
        raise ApiError(404, f"no check with id {check_id}")
    return rows[0]


async def get_check(request: Request) -> Response:
    row = await web(request).read(_one, request.path_params["id"])
    return JSONResponse(shapes.check(row))


async def check_results(request: Request) -> Response:
    check_id: int = request.path_params["id"]
    await web(request).read(_one, check_id)
    return await _results(request, check_id)


async def all_results(request: Request) -> Response:
    raw = request.query_params.get("check_id")
    check_id = integer(request, "check_id", 0, 1, MAX_ROW_ID) if raw else None
    return await _results(request, check_id)


async def _results(request: Request, check_id: int | None) -> Response:
    limit = integer(request, "limit", 100, 1, 500)
    before_id = integer(request, "before_id", 0, 1, MAX_ROW_ID) if request.query_params.get("before_id") else None
    since, until, status = moment(request, "since"), moment(request, "until"), _status(request)
    rows = await web(request).read(
        lambda connection: result_rows(
            connection, check_id, since=since, until=until, status=status, before_id=before_id, limit=limit
        )
    )
    items = [shapes.result(row) for row in rows]
    following = items[-1]["id"] if len(items) == limit else None
    return JSONResponse({"items": items, "limit": limit, "next_before_id": following})


async def check_history_view(request: Request) -> Response:
    check_id: int = request.path_params["id"]
    span = choice(request, "range", list(RANGES)) or "24h"

    def work(connection: Session) -> list[dict[str, object]]:
        _one(connection, check_id)
        buckets = check_history(connection, [check_id], span, utcnow())[check_id]
        return [
            {"start": iso(b.start), "count": b.count, "ok": b.ok, "warning": b.warning, "error": b.error,
             "unknown": b.unknown, "mean_ms": b.mean_ms, "max_ms": b.max_ms, "status": b.status}
            for b in buckets
        ]  # fmt: skip

    return JSONResponse({"range": span, "buckets": await web(request).read(work)})


async def _planned(request: Request) -> tuple[bool, str]:
    """An acknowledgement's optional body `{"planned": true, "reason": "..."}`: the outage is planned work."""
    if not (await request.body()).strip():
        return False, ""
    body = await json_object(request)
    planned, reason = body.get("planned", False), body.get("reason", "")
    if not isinstance(planned, bool) or not isinstance(reason, str) or len(reason) > 500:
        raise ApiError(400, 'expected {"planned": true|false, "reason": "text up to 500 characters"}')
    if planned and not reason.strip():
        raise ApiError(400, "planned work needs a reason")
    return planned, reason.strip()


async def check_action(request: Request) -> Response:
    user = admin(request)
    action = ACTIONS[request.url.path.rsplit("/", 1)[1]]
    check_id: int = request.path_params["id"]
    planned, reason = await _planned(request) if action == "acknowledge" else (False, "")

    def queue(session: Session) -> tuple[int, str | None]:
        return command_check(session, check_id, action, user.name, planned=planned, reason=reason)

    command_id, _ = await web(request).read(queue)
    await audit(request, f"check.{action}", str(check_id), command_id=command_id)
    return JSONResponse({"command_id": command_id, "action": action, "check_id": check_id}, status_code=202)


routes = [
    Route("/checks", list_checks, methods=["GET"]),
    Route(f"/checks/{ROW_ID}", get_check, methods=["GET"]),
    Route(f"/checks/{ROW_ID}/results", check_results, methods=["GET"]),
    Route(f"/checks/{ROW_ID}/history", check_history_view, methods=["GET"]),
    *(Route(f"/checks/{ROW_ID}/{name}", check_action, methods=["POST"]) for name in ACTIONS),
    Route("/states", list_states, methods=["GET"]),
    Route("/results", all_results, methods=["GET"]),
]
