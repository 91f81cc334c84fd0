"""Actions from the site page: run now, pause, resume, acknowledge (as engine commands) and maintenance windows."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.app.commands import command_check
from sitewarden.app.database import Session
from sitewarden.durations import parse_duration
from sitewarden.results import utcnow
from sitewarden.store.maintenance import add_window, delete_window
from sitewarden.web.audit import audit
from sitewarden.web.context import web
from sitewarden.web.ids import ROW_ID
from sitewarden.web.routes.forms import back, checked_form, require_admin

CHECK_ACTIONS = ("run_now", "pause", "resume", "acknowledge")


async def check_action(request: Request) -> Response:
    user = require_admin(request)
    form = await checked_form(request)
    action = request.path_params["action"]
    if action not in CHECK_ACTIONS:
        raise HTTPException(404, f"unknown action '{action}'")
    planned = action == "acknowledge" and form.get("planned") == "1"
    reason = str(form.get("reason") or "").strip()[:500]
    if planned and not reason:
        raise HTTPException(422, "reason: planned work needs a reason")
    check_id = request.path_params["id"]

    def queue(session: Session) -> tuple[int, str | None]:
        return command_check(session, check_id, action, user.name, planned=planned, reason=reason if planned else "")

    _, site = await web(request).read(queue)
    await audit(request, f"check.{action}", str(request.path_params["id"]))
    return back(request, f"/sites/{site}" if site else "/")


async def add_maintenance(request: Request) -> Response:
    user = require_admin(request)
    form = await checked_form(request)
    name = request.path_params["name"]
    try:
        length = parse_duration(str(form.get("duration") or "1h"))
    except ValueError as exc:
        raise HTTPException(422, f"duration: {exc}") from None
    start_text = str(form.get("starts_at") or "").strip()
    try:
        starts_at = datetime.fromisoformat(start_text) if start_text else utcnow()
    except ValueError:
        raise HTTPException(422, "starts_at: must be a date and time, e.g. 2026-05-01T22:00") from None
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=utcnow().tzinfo)
    reason = str(form.get("reason") or "")[:500]
    if length <= 0 or length > 90 * 86400:
        raise HTTPException(422, "duration: must be between 1 s and 90 days")
    window_id = await web(request).read(
        add_window, name, starts_at, starts_at + timedelta(seconds=length), reason, user.name, utcnow()
    )
    await audit(request, "maintenance.create", name, id=window_id, starts_at=starts_at.isoformat())
    return back(request, f"/sites/{name}")


async def remove_maintenance(request: Request) -> Response:
    require_admin(request)
    await checked_form(request)
    await web(request).read(delete_window, request.path_params["id"])
    await audit(request, "maintenance.delete", str(request.path_params["id"]))
    return back(request, f"/sites/{request.path_params['name']}")


routes = [
    Route(f"/checks/{ROW_ID}/{{action}}", check_action, methods=["POST"], name="check_action"),
    Route("/sites/{name}/maintenance", add_maintenance, methods=["POST"], name="add_maintenance"),
    Route(f"/sites/{{name}}/maintenance/{ROW_ID}/delete", remove_maintenance, methods=["POST"]),
]
