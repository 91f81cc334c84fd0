"""Dates as the catalogue sources write them: ISO 8601, `Y-m-d H:i:s T`, Unix timestamps, or a bare day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def parse_moment(value: Any) -> datetime | None:
    """A timezone-aware moment from an ISO string, a `2024-01-09 10:31:45 UTC` string or a Unix timestamp."""
    if value in (None, "", False, True):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return datetime.fromtimestamp(int(value), UTC)
    text = str(value).strip().replace(" UTC", "+00:00").replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_day(value: Any) -> date | None:
    """A day from `2026-04-30`, an ISO moment, or None for booleans and blanks."""
    if value in (None, "", False, True):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:  # the day as written: 2026-04-30T00:00:00+02:00 is 30 April, whatever UTC says
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
        except ValueError:
            pass
    moment = parse_moment(value)
    return moment.date() if moment else None
