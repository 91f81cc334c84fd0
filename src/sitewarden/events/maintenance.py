"""Maintenance windows and silences: they hold notifications back while they last; the events are kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sitewarden.events.channels import channel_matches
from sitewarden.events.settings import MaintenanceWindow, Scope, Silence

StoredWindows = Callable[[str, datetime], bool]
"""Whether a site has a maintenance window set from the dashboard at a moment (the store's answer)."""


class Suppressions:
    """Answers one question: is a notification about this site and channel held back at this moment?"""

    def __init__(
        self,
        windows: Sequence[MaintenanceWindow],
        silences: Sequence[Silence],
        site_groups: dict[str, tuple[str, ...]],
        stored: StoredWindows | None = None,
    ) -> None:
        self.windows = list(windows)
        self.silences = list(silences)
        self.site_groups = site_groups
        self.stored = stored

    def reason(self, site: str | None, channel: str, at: datetime) -> str | None:
        """Why notifications are held back (`maintenance`, `silence`), or None when they go out."""
        for window in self.windows:
            if _covers(window, site, channel, self.site_groups) and window_active(window, at):
                return "maintenance"
        for silence in self.silences:
            if _covers(silence, site, channel, self.site_groups) and _silence_active(silence, at):
                return "silence"
        if site and self.stored is not None and self.stored(site, at):
            return "maintenance"
        return None


def window_active(window: MaintenanceWindow, at: datetime) -> bool:
    """Whether a one-off or recurring window holds `at`."""
    length = timedelta(seconds=window.duration)
    if window.start is not None:
        return window.start <= at < window.start + length
    recurrence = window.recurrence
    assert recurrence is not None
    start = recurrence.last_start(at)
    if start is None:
        return False
    if at < start + length:
        return True
    # A window longer than the gap between two starts: an earlier start may still hold.
    earlier = recurrence.last_start(start - timedelta(seconds=1))
    return earlier is not None and at < earlier + length


def window_spans(window: MaintenanceWindow, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The stretches of [start, end) a one-off or recurring window holds, for SLA reports (which leave them out)."""
    length = timedelta(seconds=window.duration)
    if window.start is not None:
        low, high = max(window.start, start), min(window.start + length, end)
        return [(low, high)] if high > low else []
    recurrence = window.recurrence
    assert recurrence is not None
    spans: list[tuple[datetime, datetime]] = []
    moment = recurrence.next_start(start - length)
    while moment < end:
        low, high = max(moment, start), min(moment + length, end)
        if high > low:
            spans.append((low, high))
        moment = recurrence.next_start(moment)
    return spans


def covers(scope: Scope, site: str | None, channel: str, site_groups: dict[str, tuple[str, ...]]) -> bool:
    """Whether a window or silence applies to a site's channel (by site, group, channel pattern, or all)."""
    return _covers(scope, site, channel, site_groups)


def _silence_active(silence: Silence, at: datetime) -> bool:
    return (silence.start is None or silence.start <= at) and at < silence.until


def _covers(scope: Scope, site: str | None, channel: str, site_groups: dict[str, tuple[str, ...]]) -> bool:
    if not (scope.sites or scope.groups or scope.channels):
        return True
    if site is not None and site in scope.sites:
        return True
    if site is not None and set(scope.groups) & set(site_groups.get(site, ())):
        return True
    return any(channel_matches(pattern, channel) for pattern in scope.channels)
