"""/api/v1/events, /heartbeats, /maintenance and /me: the event stream and the smaller collections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sitewarden.app.database import Session
from sitewarden.config.kinds import push_kinds
from sitewarden.durations import parse_duration
from sitewarden.events.model import EventType, Severity
from sitewarden.results import Status, utcnow
from sitewarden.store.events import recent_events
from sitewarden.store.heartbeats import heartbeat_rows
from sitewarden.store.history import site_row
from sitewarden.store.maintenance import add_window, delete_window, site_windows
from sitewarden.web.api.common import ApiError, admin, choice, integer, iso, json_object, text
from sitewarden.web.audit import audit
from sitewarden.web.context import principal, web
from sitewarden.web.ids import MAX_ROW_ID, ROW_ID


async def list_events(request: Request) -> Response:
    limit = integer(request, "limit", 100, 1, 500)
    before_id = integer(request, "before_id", 0, 1, MAX_ROW_ID) if request.query_params.get("before_id") else None
    kind = choice(request, "type", [item.value for item in EventType])
    severity = choice(request, "severity", [item.label for item in Severity])
    site = text(request, "site")
    events = await web(request).read(
        lambda connection: recent_events(
            connection,
            limit=limit,
            site=site,
            types=[kind] if kind else None,
            min_severity=Severity.parse(severity) if severity else None,
            before_id=before_id,
        )
    )
    items = [event.as_dict() for event in events]
    following = items[-1]["id"] if len(items) == limit else None
    return JSONResponse({"items": items, "limit": limit, "next_before_id": following})


async def list_heartbeats(request: Request) -> Response:
    rows = await web(request).read(heartbeat_rows, push_kinds())
    items = [
        {
            "check_id": row["id"],
            "key": row["key"],
            "site": row["site"],
            "name": row["name"],
            "status": Status(row["hard_status"]).label if row["hard_status"] is not None else "pending",
            "last_summary": row["last_summary"],
            "last_result_at": iso(row["last_result_at"]),
            "paused": bool(row["paused"]),
        }
        for row in rows
    ]
    return JSONResponse({"items": items})


def _site_exists(connection: Session, name: str) -> None:
    row = site_row(connection, name)
    if row is None or not row["active"]:
        raise ApiError(404, f"no site named '{name}'")


async def list_windows(request: Request) -> Response:
    name = request.path_params["name"]

    def work(connection: Session) -> list[dict[str, object]]:
        _site_exists(connection, name)
        return [
            {"id": w.id, "site": w.site, "starts_at": iso(w.starts_at), "ends_at": iso(w.ends_at),
             "reason": w.reason, "created_by": w.created_by}
            for w in site_windows(connection, name, utcnow())
        ]  # fmt: skip

    return JSONResponse({"items": await web(request).read(work)})


async def create_window(request: Request) -> Response:
    user = admin(request)
    name = request.path_params["name"]
    body = await json_object(request)
    try:
        length = parse_duration(body.get("duration", "1h"))
    except ValueError as exc:
        raise ApiError(422, f"duration: {exc}") from None
    if not 1 <= length <= 90 * 86400:
        raise ApiError(422, "duration: must be between 1s and 90d")
    reason = body.get("reason", "")
    if not isinstance(reason, str):
        raise ApiError(422, "reason: must be a string")
    now = utcnow()
    starts_at = _starts_at(body.get("starts_at"), now)
    ends_at = starts_at + timedelta(seconds=length)

    def work(connection: Session) -> int:
        _site_exists(connection, name)
        return add_window(connection, name, starts_at, ends_at, reason[:500], user.name, now)

    window_id = await web(request).read(work)
    await audit(request, "maintenance.create", name, id=window_id, starts_at=iso(starts_at), ends_at=iso(ends_at))
    return JSONResponse(
        {"id": window_id, "site": name, "starts_at": iso(starts_at), "ends_at": iso(ends_at), "reason": reason[:500]},
        status_code=201,
    )


def _starts_at(value: object, now: datetime) -> datetime:
    """The window's start: now when absent, else an ISO 8601 date-time (UTC unless it says otherwise)."""
    if value is None or value == "":
        return now
    try:
        if not isinstance(value, str):
            raise ValueError
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "starts_at: must be an ISO 8601 date-time, e.g. 2026-05-01T22:00:00Z") from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if abs((moment - now).total_seconds()) > 366 * 86400:
        raise ApiError(422, "starts_at: must be within a year of now")
    return moment


async def remove_window(request: Request) -> Response:
    admin(request)
    if not await web(request).read(delete_window, request.path_params["id"]):
        raise ApiError(404, f"no maintenance window with id {request.path_params['id']}")
    await audit(request, "maintenance.delete", str(request.path_params["id"]))
    return Response(status_code=204)


async def me(request: Request) -> Response:
    user = principal(request)
    assert user is not None
    return JSONResponse({"name": user.name, "role": user.role})


routes = [
    Route("/events", list_events, methods=["GET"]),
    Route("/heartbeats", list_heartbeats, methods=["GET"]),
    Route("/sites/{name}/maintenance", list_windows, methods=["GET"]),
    Route("/sites/{name}/maintenance", create_window, methods=["POST"]),
    Route(f"/maintenance/{ROW_ID}", remove_window, methods=["DELETE"]),
    Route("/me", me, methods=["GET"]),
]
