"""Pushed health documents arriving at `/push/<site>/<check>`: the token checked, the document read, kept, judged.

A good document becomes the check's latest; a refused one is noted with its reason (the check turns `warning`).
Either way the engine is asked to run the check now, so the push shows as a result within a second or two, judged
by the same code as a fetched document.
"""

from __future__ import annotations

from datetime import datetime

from sitewarden.app.database import Session
from sitewarden.inventory.cms_health import read_pushed
from sitewarden.store.commands import request_command
from sitewarden.store.pushes import record_push, record_push_problem, token_matches

PUSHED_BY = "push"
"""Who the engine command of a push is requested by (its run shows in the log under this name)."""


def push_token(connection: Session, check_key: str, offered: str) -> tuple[bool, str] | None:
    """(token right, the check's flavour), or None when no `cms_health` check in push mode has this key."""
    return token_matches(connection, check_key, offered)


def accept_push(
    connection: Session, check_key: str, body: bytes, media_type: str, flavour: str, now: datetime
) -> str | None:
    """Keep a pushed document and ask for a run; returns why it was refused, or None when it was taken."""
    _, problem = read_pushed(body, flavour)
    if problem is None:
        record_push(connection, check_key, body.decode("utf-8"), media_type, now)
    else:
        record_push_problem(connection, check_key, problem, now)
    request_command(connection, check_key, "run_now", now, requested_by=PUSHED_BY)
    return problem
