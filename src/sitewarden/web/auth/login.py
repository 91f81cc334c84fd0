"""Checking a login: throttles per (name, address) and per address, then the password; failures are recorded
and become `security` events, so an attack shows up and can be routed.

One address cannot lock everyone out (behind a reverse proxy all users share one): a name and address pair that
keeps failing waits longer and longer between tries, and only a generous per-address cap refuses all names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sitewarden.app.database import Session
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.passwords import verify_password
from sitewarden.results import utcnow
from sitewarden.store.events import insert_events
from sitewarden.store.users import (
    User,
    add_failed_login,
    clear_failed_logins,
    credentials,
    failed_logins,
    last_failed_login,
    record_login,
)
from sitewarden.web.settings import WebSettings

FIRST_DELAY = 15.0
"""Seconds a (name, address) pair waits after `login_attempts` failures; doubled by each further failure."""


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    """A user on success; else a reason that never says whether the name exists."""

    user: User | None
    error: str | None = None
    limited: bool = False


def attempt_login(connection: Session, settings: WebSettings, name: str, password: str, address: str) -> LoginOutcome:
    now = utcnow()
    pair, by_address = f"pair:{name.lower()}|{address}", f"addr:{address}"
    since = now - timedelta(seconds=settings.login_window)
    clear_failed_logins(connection, [], before=now - timedelta(seconds=max(settings.login_window, 3600)))
    wait = _wait(connection, settings, pair, by_address, since, now)
    if wait is not None:
        return LoginOutcome(None, f"too many failed logins; wait {wait} and try again", limited=True)
    found = credentials(connection, name)
    if not verify_password(found[1] if found else None, password) or found is None:
        add_failed_login(connection, [pair, by_address], now)
        _failure_event(connection, name, address, now)
        return LoginOutcome(None, "wrong name or password")
    record_login(connection, found[0].id, now)
    clear_failed_logins(connection, [pair])
    return LoginOutcome(found[0])


def _wait(
    connection: Session, settings: WebSettings, pair: str, by_address: str, since: datetime, now: datetime
) -> str | None:
    """How long to wait before the next try, or None: a growing delay per pair, a hard cap per address."""
    if failed_logins(connection, by_address, since) >= settings.login_address_attempts:
        return f"{max(1, round(settings.login_window / 60))} minutes"
    failures = failed_logins(connection, pair, since)
    if failures < settings.login_attempts:
        return None
    delay = min(FIRST_DELAY * 2.0 ** (failures - settings.login_attempts), settings.login_window)
    last = last_failed_login(connection, pair)
    left = delay - (now - last).total_seconds() if last is not None else 0.0
    return f"{max(1, round(left))} seconds" if left > 0 else None


def _failure_event(connection: Session, name: str, address: str, now: datetime) -> None:
    message = f"failed login for '{name[:100]}' from {address}"
    payload = {"user": name[:100], "address": address}
    insert_events(
        connection, [Event(EventType.SECURITY, Severity.WARNING, "web.login", message, payload, created_at=now)]
    )
