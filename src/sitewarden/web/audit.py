"""Recording an admin action taken through the dashboard or the API: who, from where, what, on which object."""

from __future__ import annotations

from starlette.requests import Request

from sitewarden.app.bulk import Actor
from sitewarden.results import utcnow
from sitewarden.store.audit import AuditEntry, record_audit
from sitewarden.web.context import address_of, principal, web


async def audit(request: Request, action: str, target: str, **detail: object) -> None:
    """Append to the audit log; `detail` names what changed, never a secret or a whole definition."""
    user = principal(request)
    via = request.scope.get("state", {}).get("via", "none")
    entry = AuditEntry(
        user.name if user is not None else "-",
        address_of(request),
        action,
        target,
        utcnow(),
        {"via": via, **detail},
    )
    await web(request).read(record_audit, entry)


def acting(request: Request) -> Actor:
    """Who acts in a use case that writes its own audit record (bulk actions): user, address, session or token."""
    user = principal(request)
    via = str(request.scope.get("state", {}).get("via", "none"))
    return Actor(user.name if user is not None else "-", address_of(request), via)
