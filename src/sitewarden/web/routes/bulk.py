"""The overview's bulk form: a preview of what would change on the matching sites, then the change itself.

The preview lists the first sites; its confirmation form carries the query and a fingerprint of the matched set
(count and hash of the sorted names), never the names: 10,000 sites stay a small form. The confirmation applies to
exactly the sites that were previewed: if the query names another set by then (a site added, removed or no longer
matching), the whole action is refused and nothing changes, the same all-or-nothing rule as the CLI and the API.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.app.bulk import BulkRequest, apply_previewed, parse_end, plan_bulk, site_set_fingerprint
from sitewarden.errors import UsageError
from sitewarden.results import utcnow
from sitewarden.web.audit import acting
from sitewarden.web.context import web
from sitewarden.web.routes.forms import back, checked_form, require_admin

SHOWN = 500
"""Sites listed on the preview page (the confirmation covers all of them, by query and fingerprint)."""
FINGERPRINT_LENGTH = 100
"""Longer than any fingerprint: a longer field is not one of ours."""


async def bulk_form(request: Request) -> Response:
    require_admin(request)
    form = await checked_form(request)
    now = utcnow()
    wanted = _request(form)
    if form.get("confirm") != "1":
        plan = await web(request).read(plan_bulk, wanted, now)
        return web(request).templates.TemplateResponse(
            request,
            "bulk_preview.html",
            {
                "plan": plan,
                "shown": plan.changed_sites[:SHOWN],
                "ends_at": wanted.ends_at.isoformat() if wanted.ends_at else "",
                "query": wanted.query or "",
                "fingerprint": site_set_fingerprint(plan.sites),
            },
        )
    fingerprint = str(form.get("fingerprint") or "")
    if not fingerprint or len(fingerprint) > FINGERPRINT_LENGTH:
        raise UsageError("the confirmation lacks the preview's fingerprint of the sites: preview the action again")
    await web(request).read(apply_previewed, wanted, fingerprint, acting(request), now)
    query = wanted.query or ""
    return back(request, "/?" + urlencode({"q": query}) if query else "/")


def _request(form: FormData) -> BulkRequest:
    """The form as a request by query, in the preview and in its confirmation alike."""
    until = str(form.get("until") or "").strip()
    return BulkRequest(
        action=str(form.get("action") or ""),
        query=str(form.get("q") or "").strip()[:1000],
        reason=str(form.get("reason") or "")[:1000],
        ends_at=parse_end(until, utcnow()) if until else None,
        group=str(form.get("group") or "").strip() or None,
        message=str(form.get("message") or "")[:5000] or None,
    )


routes = [Route("/bulk", bulk_form, methods=["POST"], name="bulk")]
