"""POST /api/v1/bulk: one action on the sites of a fleet query or a list of names, previewed or applied (admin)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sitewarden.app.bulk import ACTIONS, MAX_MESSAGE, MAX_REASON, BulkRequest, bulk, parse_end
from sitewarden.errors import Conflict, NotFound, UsageError
from sitewarden.fleet.query import QueryError
from sitewarden.results import utcnow
from sitewarden.web.api.common import ApiError, admin, json_object
from sitewarden.web.audit import acting
from sitewarden.web.context import web

Action = Literal["pause", "resume", "run_now", "acknowledge", "maintenance", "add_group", "remove_group", "notify"]
if set(get_args(Action)) != set(ACTIONS):  # one list of actions: the use case's
    raise RuntimeError("the API's bulk actions differ from sitewarden.app.bulk.ACTIONS")


class BulkBody(BaseModel):
    """The request body; unknown keys are refused so a typo never silently widens an action."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    action: Action
    query: str | None = Field(default=None, min_length=1, max_length=2000)
    sites: list[str] = Field(default_factory=list, max_length=200_000)
    reason: str = Field(default="", max_length=MAX_REASON)
    until: str | None = Field(default=None, max_length=100, description="Window end: 2h, or an ISO date-time.")
    group: str | None = Field(default=None, max_length=100)
    message: str | None = Field(default=None, max_length=MAX_MESSAGE)
    dry_run: bool = False


async def post_bulk(request: Request) -> Response:
    admin(request)
    try:
        body = BulkBody.model_validate(await json_object(request))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise ApiError(422, f"{where}: {first['msg']}") from None
    now = utcnow()
    try:
        ends_at: datetime | None = parse_end(body.until, now) if body.until else None
        wanted = BulkRequest(body.action, body.query, tuple(body.sites), body.reason, ends_at, body.group, body.message)
        actor = acting(request)
        done = await web(request).read(partial(bulk, dry_run=body.dry_run), wanted, actor, now)
    except QueryError as exc:
        raise ApiError(400, str(exc)) from None
    except UsageError as exc:
        raise ApiError(422, exc.message) from None
    except NotFound as exc:
        raise ApiError(404, exc.message) from None
    except Conflict as exc:
        raise ApiError(409, exc.message) from None
    return JSONResponse(done.as_dict(applied=not body.dry_run))


routes = [Route("/bulk", post_bulk, methods=["POST"])]
