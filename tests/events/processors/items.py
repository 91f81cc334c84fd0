"""Events and message items as the notifier hands them to processors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sitewarden.events.message import MessageItem
from sitewarden.events.model import Event, EventType, Severity


def item(
    site: str | None,
    severity: Severity = Severity.ERROR,
    *,
    event_id: int = 1,
    type: EventType = EventType.AVAILABILITY,
    message: str = "web is down",
    payload: dict[str, Any] | None = None,
) -> MessageItem:
    """One event in a message, on `site.<site>.web` (or `check.web` without a site)."""
    event = Event(
        type=type,
        severity=severity,
        channel=f"site.{site}.web" if site else "check.web",
        message=message,
        payload=payload if payload is not None else {},
        site=site,
        check="web",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        id=event_id,
    )
    return MessageItem(event)
