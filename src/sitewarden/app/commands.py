"""Commands for the engine from the dashboard and the API: run now, pause, resume, acknowledge a check by id."""

from __future__ import annotations

from sitewarden.app.database import Session
from sitewarden.errors import NotFound
from sitewarden.results import utcnow
from sitewarden.store.checks import check_key_and_site
from sitewarden.store.commands import request_command


def command_check(
    connection: Session, check_id: int, action: str, user: str, *, planned: bool = False, reason: str = ""
) -> tuple[int, str | None]:
    """Queue `action` for an active check; the command's id and the check's site (None outside any site).

    An `acknowledge` with `planned` marks the outage as planned work, which SLA reports leave out and list.
    """
    found = check_key_and_site(connection, check_id)
    if found is None:
        raise NotFound(f"no check with id {check_id}")
    key, site = found
    command = request_command(connection, key, action, utcnow(), requested_by=user, planned=planned, reason=reason)
    return command, site
