"""The heartbeat ping URLs: `/ping/<uuid>`, `/ping/<uuid>/start`, `/ping/<uuid>/fail`, GET or POST, no login."""

from __future__ import annotations

import asyncio
import logging
import uuid as uuid_module
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from sitewarden.app.database import Database
from sitewarden.results import utcnow
from sitewarden.store.heartbeats import MAX_BODY, record_ping

logger = logging.getLogger(__name__)
METHODS = ["GET", "POST", "HEAD"]


def ping_routes() -> list[BaseRoute]:
    """Routes the web app mounts; the database is found at `request.app.state.database`."""
    return [
        Route("/ping/{uuid}", _handler("success"), methods=METHODS, name="ping"),
        Route("/ping/{uuid}/start", _handler("start"), methods=METHODS, name="ping_start"),
        Route("/ping/{uuid}/fail", _handler("fail"), methods=METHODS, name="ping_fail"),
    ]


def _handler(kind: str) -> Callable[[Request], Awaitable[Response]]:
    async def ping(request: Request) -> Response:
        return await receive_ping(request, kind)

    ping.__name__ = f"ping_{kind}"
    return ping


async def receive_ping(request: Request, kind: str) -> Response:
    """Record one ping; 404 for an unknown uuid, so a typo in a cron job shows up in its own log."""
    try:
        uuid = str(uuid_module.UUID(request.path_params["uuid"]))
    except ValueError:
        return PlainTextResponse("not found: not a heartbeat uuid\n", status_code=404)
    body = await _body(request)
    database: Database = request.app.state.database
    remote = request.client.host if request.client else None
    now = utcnow()

    def write() -> bool:
        with database.transaction() as connection:
            return record_ping(connection, uuid, kind, now, method=request.method, remote=remote, body=body)

    if not await asyncio.to_thread(write):
        return PlainTextResponse("not found: no heartbeat has this uuid\n", status_code=404)
    logger.info("ping received uuid=%s kind=%s", uuid, kind)
    return PlainTextResponse("OK\n")


async def _body(request: Request) -> str:
    """The first 10 KiB of the request body as text; the rest is not read."""
    if request.method != "POST":
        return ""
    kept = b""
    async for chunk in request.stream():
        kept += chunk[: MAX_BODY - len(kept)]
        if len(kept) >= MAX_BODY:
            break
    return kept.decode("utf-8", errors="replace")
