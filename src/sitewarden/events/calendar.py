"""Recurring moments (`sun 02:00`, `mon-fri 22:30`, `daily 07:00`) for maintenance windows and report schedules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, PlainSerializer

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ALIASES = {"daily": tuple(range(7)), "weekdays": tuple(range(5)), "weekends": (5, 6)}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Recurrence:
    """Some days of the week at one time of day, in one time zone; `text` is how the config wrote it."""

    days: frozenset[int]
    at: time
    text: str
    zone: str = "UTC"

    def last_start(self, moment: datetime) -> datetime | None:
        """The latest occurrence at or before `moment` (within the past eight days)."""
        local = moment.astimezone(_zone(self.zone))
        for back in range(8):
            day = (local - timedelta(days=back)).date()
            if day.weekday() not in self.days:
                continue
            start = datetime.combine(day, self.at, tzinfo=_zone(self.zone))
            if start <= local:
                return start.astimezone(UTC)
        return None

    def next_start(self, moment: datetime) -> datetime:
        """The first occurrence strictly after `moment`."""
        local = moment.astimezone(_zone(self.zone))
        for ahead in range(9):
            day = (local + timedelta(days=ahead)).date()
            if day.weekday() not in self.days:
                continue
            start = datetime.combine(day, self.at, tzinfo=_zone(self.zone))
            if start > local:
                return start.astimezone(UTC)
        raise AssertionError("a recurrence has at least one day a week")

    def with_zone(self, zone: str) -> Recurrence:
        return Recurrence(self.days, self.at, self.text, zone)


def parse_recurrence(value: Any) -> Recurrence:
    """`sun 02:00`, `mon,thu 08:30`, `mon-fri 22:00`, `daily 07:00`, `weekdays 06:00` or just `02:00` (daily)."""
    if isinstance(value, Recurrence):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a schedule such as 'sun 02:00', 'mon-fri 22:00' or 'daily 07:00'")
    words = value.strip().lower().split()
    if len(words) == 1:
        words = ["daily", words[0]]
    if len(words) != 2:
        raise ValueError(f"'{value}' is not a schedule; write days then a time, e.g. 'sun 02:00'")
    match = _TIME.match(words[1])
    if not match:
        raise ValueError(f"'{words[1]}' is not a time of day; write it as HH:MM, e.g. 02:00")
    return Recurrence(_days(words[0], value), time(int(match.group(1)), int(match.group(2))), value.strip())


def _days(text: str, whole: str) -> frozenset[int]:
    if text in _ALIASES:
        return frozenset(_ALIASES[text])
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        for name in (first, last):
            if name and name[:3] not in DAYS:
                raise ValueError(f"'{name}' in '{whole}' is not a day; use mon … sun, daily, weekdays or weekends")
        start = DAYS.index(first[:3])
        end = DAYS.index(last[:3]) if last else start
        index = start
        while True:
            days.add(index)
            if index == end:
                break
            index = (index + 1) % 7
    return frozenset(days)


def parse_zone(value: Any) -> str:
    """An IANA time zone name (Europe/Berlin), checked when the config loads."""
    if not isinstance(value, str):
        raise ValueError("expected a time zone name such as UTC or Europe/Berlin")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{value}' is not a known time zone; use a name such as UTC or Europe/Berlin") from None
    return value


def _zone(name: str) -> tzinfo:
    return UTC if name == "UTC" else ZoneInfo(name)


RecurrenceField = Annotated[
    Recurrence, BeforeValidator(parse_recurrence), PlainSerializer(lambda value: value.text, return_type=str)
]
"""A weekly schedule written as days and a time: `sun 02:00`, `mon-fri 22:00`, `daily 07:00`."""

ZoneName = Annotated[str, BeforeValidator(parse_zone)]
"""An IANA time zone name."""
