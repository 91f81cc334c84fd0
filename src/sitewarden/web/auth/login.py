"""Checking a login: rate limits per name and per address, then the password; failures are recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sitewarden.app.database import Session
from sitewarden.passwords import verify_password
from sitewarden.results import utcnow
from sitewarden.store.users import (
    User,
    add_failed_login,
    clear_failed_logins,
    credentials,
    failed_logins,
    record_login,
)
from sitewarden.web.settings import WebSettings


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    """A user on success; else a reason that never says whether the name exists."""

    user: User | None
    error: str | None = None
    limited: bool = False


def attempt_login(connection: Session, settings: WebSettings, name: str, password: str, address: str) -> LoginOutcome:
    now = utcnow()
    subjects = [f"user:{name.lower()}", f"addr:{address}"]
    since = now - timedelta(seconds=settings.login_window)
    clear_failed_logins(connection, [], before=now - timedelta(seconds=max(settings.login_window, 3600)))
    if any(failed_logins(connection, subject, since) >= settings.login_attempts for subject in subjects):
        minutes = max(1, round(settings.login_window / 60))
        return LoginOutcome(None, f"too many failed logins; wait {minutes} minutes and try again", limited=True)
    found = credentials(connection, name)
    if not verify_password(found[1] if found else None, password) or found is None:
        add_failed_login(connection, subjects, now)
        return LoginOutcome(None, "wrong name or password")
    record_login(connection, found[0].id, now)
    clear_failed_logins(connection, subjects[:1])
    return LoginOutcome(found[0])
