"""Accept and revoke findings from the site page (admins); the page itself shows them to everyone."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sitewarden.app.findings import AcceptRequest, accept, parse_until, revoke
from sitewarden.results import utcnow
from sitewarden.web.audit import audit
from sitewarden.web.context import web
from sitewarden.web.ids import ROW_ID
from sitewarden.web.routes.forms import back, checked_form, require_admin


def _field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return (value.strip() or None) if isinstance(value, str) else None


async def accept_finding(request: Request) -> Response:
    user = require_admin(request)
    form = await checked_form(request)
    name = request.path_params["name"]
    subject = _field(form, "subject") or ""
    kind, _, value = subject.partition(":")
    wanted = AcceptRequest(
        site=name,
        product=_field(form, "product") or "",
        reason=_field(form, "reason") or "",
        until=parse_until(_field(form, "until") or ""),
        advisory=(value or None) if kind == "advisory" else None,
        verdict=(value or None) if kind == "verdict" else None,
    )
    finding = await web(request).read(accept, wanted, user.name, utcnow())
    await audit(request, "finding.accept", name, id=finding.id, product=finding.product)
    return back(request, f"/sites/{name}#inventory")


async def revoke_finding(request: Request) -> Response:
    user = require_admin(request)
    await checked_form(request)
    finding = await web(request).read(revoke, request.path_params["id"], user.name, utcnow())
    await audit(request, "finding.revoke", finding.site, id=finding.id, product=finding.product)
    return back(request, f"/sites/{request.path_params['name']}#inventory")


routes = [
    Route("/sites/{name}/findings", accept_finding, methods=["POST"], name="accept_finding"),
    Route(f"/sites/{{name}}/findings/{ROW_ID}/revoke", revoke_finding, methods=["POST"], name="revoke_finding"),
]
