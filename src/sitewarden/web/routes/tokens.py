"""API tokens in the UI: list, create (shown once) and revoke; admins see everyone's."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.results import utcnow
from sitewarden.store.users import create_token, list_tokens, revoke_token
from sitewarden.web.audit import audit
from sitewarden.web.context import web
from sitewarden.web.ids import ROW_ID
from sitewarden.web.routes.forms import back, checked_form, require_user


async def tokens_page(request: Request, created: str | None = None) -> Response:
    context = web(request)
    user = require_user(request)
    if context.demo and user.id == 0:
        tokens = []
    else:
        tokens = await context.read(list_tokens, None if user.is_admin else user.name)
    return context.templates.TemplateResponse(request, "tokens.html", {"tokens": tokens, "created": created})


async def create(request: Request) -> Response:
    context = web(request)
    user = require_user(request)
    form = await checked_form(request)
    name = str(form.get("name") or "").strip()[:200] or "token"
    if context.demo and user.id == 0:
        return await tokens_page(request)
    token = await context.read(create_token, user.name, name, utcnow())
    await audit(request, "token.create", user.name, name=name)
    response = await tokens_page(request, created=token)
    response.headers["cache-control"] = "no-store"
    return response


async def revoke(request: Request) -> Response:
    context = web(request)
    user = require_user(request)
    await checked_form(request)
    await context.read(revoke_token, request.path_params["id"], None if user.is_admin else user.name)
    await audit(request, "token.revoke", str(request.path_params["id"]))
    return back(request, "/tokens")


routes = [
    Route("/tokens", tokens_page, methods=["GET"], name="tokens"),
    Route("/tokens", create, methods=["POST"]),
    Route(f"/tokens/{ROW_ID}/revoke", revoke, methods=["POST"]),
]
