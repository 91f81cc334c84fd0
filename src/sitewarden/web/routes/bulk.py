"""The overview's bulk form: a preview of what would change on the matching sites, then the change itself.

The preview lists the sites and carries them in the confirmation form (one field, names separated by spaces, so
40,000 sites stay one form field), so what is applied is exactly what the admin saw; a site removed in between
fails the whole action (nothing changes) instead of acting on fewer.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.app.bulk import BulkRequest, bulk, parse_end, plan_bulk
from sitewarden.results import utcnow
from sitewarden.web.audit import acting
from sitewarden.web.context import web
from sitewarden.web.routes.forms import back, checked_form, require_admin

SHOWN = 500
"""Sites listed on the preview page (all of them are carried in the form)."""


async def bulk_form(request: Request) -> Response:
    require_admin(request)
    form = await checked_form(request)
    now = utcnow()
    confirmed = form.get("confirm") == "1"
    wanted = _request(form, confirmed)
    if not confirmed:
        plan = await web(request).read(plan_bulk, wanted, now)
        return web(request).templates.TemplateResponse(
            request,
            "bulk_preview.html",
            {
                "plan": plan,
                "shown": plan.changed_sites[:SHOWN],
                "ends_at": wanted.ends_at.isoformat() if wanted.ends_at else "",
                "query": wanted.query or "",
            },
        )
    await web(request).read(partial(bulk, dry_run=False), wanted, acting(request), now)
    query = str(form.get("q") or "")
    return back(request, "/?" + urlencode({"q": query}) if query else "/")


def _request(form: FormData, confirmed: bool) -> BulkRequest:
    """The form as a request: the preview asks by query, the confirmation names the previewed sites."""
    until = str(form.get("until") or "").strip()
    return BulkRequest(
        action=str(form.get("action") or ""),
        query=None if confirmed else str(form.get("q") or "").strip(),
        sites=tuple(str(form.get("sites") or "").split()) if confirmed else (),
        reason=str(form.get("reason") or "")[:1000],
        ends_at=parse_end(until, utcnow()) if until else None,
        group=str(form.get("group") or "").strip() or None,
        message=str(form.get("message") or "")[:5000] or None,
    )


routes = [Route("/bulk", bulk_form, methods=["POST"], name="bulk")]
