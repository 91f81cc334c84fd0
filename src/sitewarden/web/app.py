"""The Starlette app: pages, API, /metrics and /health behind one auth middleware, with JSON or HTML errors."""

from __future__ import annotations

import importlib.util
import logging
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from sitewarden.app.database import Database
from sitewarden.app.soft_states import DEFAULT_THRESHOLDS, Thresholds
from sitewarden.errors import Conflict, NotFound, SitewardenError
from sitewarden.results import utcnow
from sitewarden.store.users import web_key
from sitewarden.web.api.common import ApiError, error_response
from sitewarden.web.api.routes import api_mount
from sitewarden.web.auth.addresses import parse_networks
from sitewarden.web.auth.middleware import AuthMiddleware
from sitewarden.web.auth.sessions import SessionCodec
from sitewarden.web.context import WebContext
from sitewarden.web.push import push_routes
from sitewarden.web.render import STATIC, make_templates
from sitewarden.web.routes import (
    actions,
    audit,
    bulk,
    events,
    extensions,
    findings,
    heartbeats,
    login,
    overview,
    site,
    status_page,
    system,
)
from sitewarden.web.routes import tokens as token_pages
from sitewarden.web.settings import WebSettings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sitewarden.catalog.settings import CatalogSettings
    from sitewarden.events.settings import MaintenanceWindow

logger = logging.getLogger(__name__)


def create_app(
    database: Database,
    settings: WebSettings | None = None,
    *,
    demo: bool = False,
    catalog: CatalogSettings | None = None,
    sla_targets: dict[str, float | None] | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    sla_maintenance: Sequence[MaintenanceWindow] = (),
) -> Starlette:
    """The whole web app for one store; `demo` signs every visitor in as an admin (loopback demo only)."""
    settings = settings or WebSettings()
    if settings.session_secret is not None:
        secret = settings.session_secret.get_secret_value()
    else:
        with database.transaction() as connection:
            secret = web_key(connection, "session", utcnow())
    context = WebContext(
        database=database,
        settings=settings,
        catalog=catalog,
        sla_targets=dict(sla_targets or {}),
        sla_maintenance=tuple(sla_maintenance),
        codec=SessionCodec(secret, settings.session_lifetime),
        templates=make_templates(),
        demo=demo,
        trusted_proxies=parse_networks(settings.trusted_proxies),
        thresholds=thresholds,
    )
    ping = [*_ping_routes(), *push_routes()]
    context.public_paths = [_prefix(route) for route in ping]
    routes: list[BaseRoute] = [
        *ping,
        *login.routes,
        *overview.routes,
        *site.routes,
        *actions.routes,
        *bulk.routes,
        *findings.routes,
        *events.routes,
        *extensions.routes,
        *heartbeats.routes,
        *token_pages.routes,
        *audit.routes,
        *status_page.routes,
        *system.routes,
        api_mount(),
        Route("/favicon.ico", _favicon, name="favicon"),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(AuthMiddleware, context=context)],
        exception_handlers={
            HTTPException: _http_error,
            ApiError: _api_error,
            SitewardenError: _sitewarden_error,
            Exception: _internal_error,
        },
    )
    app.state.web = context
    app.state.database = database
    return app


async def _favicon(_request: Request) -> Response:
    """Browsers ask for /favicon.ico on every page; answer with the SVG icon instead of a logged 404."""
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


def _ping_routes() -> list[BaseRoute]:
    """The heartbeat ping URLs, served without login, when the heartbeat module is installed."""
    if importlib.util.find_spec("sitewarden.web.ping") is None:
        return []
    from sitewarden.web import ping  # type: ignore[attr-defined,unused-ignore]

    found: list[BaseRoute] = list(ping.ping_routes())
    return found


def _prefix(route: BaseRoute) -> str:
    path = str(getattr(route, "path", ""))
    return path.split("{", 1)[0] or "/-none-"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/metrics", "/health"))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(request, exc.status_code, str(exc.detail))


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error(request, exc.status, exc.message)


async def _sitewarden_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SitewardenError)
    status = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 400
    return _error(request, status, exc.message)


async def _internal_error(request: Request, exc: Exception) -> Response:
    logger.error("request failed path=%s", request.url.path, exc_info=exc)
    return _error(request, 500, "internal error, details in the server log")


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return error_response(status, message)
    context: WebContext = request.app.state.web
    return context.templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )


def route_paths(app: Starlette) -> list[str]:
    """Every path the app answers, for docs and tests."""
    paths: list[str] = []
    for route in app.routes:
        if isinstance(route, Mount):
            paths.extend(route.path + str(getattr(sub, "path", "")) for sub in route.routes)
        elif isinstance(route, Route):
            paths.append(route.path)
    return paths
