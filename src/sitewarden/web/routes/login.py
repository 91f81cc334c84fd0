"""The login form and logout; a successful login starts a new server-side session (new CSRF token, new cookie)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from sitewarden.results import utcnow
from sitewarden.store.sessions import end_session, prune_sessions, start_session
from sitewarden.web.auth.login import attempt_login
from sitewarden.web.auth.middleware import session_cookie
from sitewarden.web.auth.sessions import new_session
from sitewarden.web.context import address_of, principal, session_of, web
from sitewarden.web.routes.forms import checked_form, safe_next


async def login_form(request: Request) -> Response:
    context = web(request)
    if principal(request) is not None and not context.demo:
        return RedirectResponse(safe_next(request.query_params.get("next"), "/"), status_code=303)
    return context.templates.TemplateResponse(
        request, "login.html", {"next": safe_next(request.query_params.get("next"), "/"), "error": None}
    )


async def login(request: Request) -> Response:
    context = web(request)
    form = await checked_form(request)
    name = str(form.get("name") or "").strip()[:200]
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""), "/")
    address = address_of(request)
    outcome = await context.read(attempt_login, context.settings, name, password, address)
    if outcome.user is None:
        return context.templates.TemplateResponse(
            request,
            "login.html",
            {"next": target, "error": outcome.error, "name": name},
            status_code=429 if outcome.limited else 401,
        )
    agent = request.headers.get("user-agent", "")
    settings = context.settings
    await context.read(prune_sessions, utcnow(), settings.session_idle, settings.session_lifetime)
    token = await context.read(start_session, outcome.user, utcnow(), address, agent)
    response = RedirectResponse(target, status_code=303)
    response.headers.append("set-cookie", session_cookie(context, context.codec.encode(new_session(token))))
    return response


async def logout(request: Request) -> Response:
    await checked_form(request)
    token = session_of(request).get("sid")
    if isinstance(token, str):
        await web(request).read(end_session, token)
    response = RedirectResponse("/login", status_code=303)
    response.headers.append("set-cookie", session_cookie(web(request), "", clear=True))
    return response


routes = [
    Route("/login", login_form, methods=["GET"], name="login_form"),
    Route("/login", login, methods=["POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
]
