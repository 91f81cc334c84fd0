"""Form handling shared by the pages: CSRF check, role check, and the answer after an action."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sitewarden.store.users import User
from sitewarden.web.auth.sessions import CSRF_FIELD, CSRF_HEADER, csrf_matches
from sitewarden.web.context import principal, session_of


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token (field or htmx header) matched the session's."""
    form = await request.form()
    offered = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not csrf_matches(session_of(request), offered if isinstance(offered, str) else None):
        raise HTTPException(403, "the form has expired or did not come from this site; reload the page and retry")
    return form


def require_user(request: Request) -> User:
    user = principal(request)
    if user is None:
        raise HTTPException(401, "sign in first")
    return user


def require_admin(request: Request) -> User:
    """The user, if an admin; viewers may look but not act."""
    user = require_user(request)
    if not user.is_admin:
        raise HTTPException(403, "this needs the admin role")
    return user


def back(request: Request, default: str, message: str | None = None) -> Response:
    """After a form: a redirect for plain browsers; for htmx, a refresh of the page it came from."""
    target = safe_next(request.query_params.get("next"), default)
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Location": target})
    return RedirectResponse(target, status_code=303)


def safe_next(value: str | None, default: str) -> str:
    """Only local paths: an open redirect would let a link send a signed-in user anywhere."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default
