"""Time an SLA report leaves out of a site's figures, and why: stored and config windows, planned work.

Kept per check (a config window may cover only some of a site's channels) and for the site; overlapping stretches
count once because `availability.figures` merges them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sitewarden.availability import Interval
from sitewarden.events.maintenance import covers, window_spans
from sitewarden.events.settings import MaintenanceWindow
from sitewarden.store.sla import CheckHistory

Stretch = tuple[Interval, str, bool]
Listed = tuple[datetime, datetime, str]


@dataclass(slots=True)
class Exclusions:
    """Excluded stretches of the site and of each check (by check id), and the list the report shows."""

    site: list[Interval] = field(default_factory=list)
    checks: dict[int, list[Interval]] = field(default_factory=dict)
    shown: list[Listed] = field(default_factory=list)

    def add_planned_work(self, history: CheckHistory, stretches: Sequence[Stretch], period: Interval) -> None:
        """Outages acknowledged as planned work: each whole outage an acknowledgement fell in, within the period."""
        start, until = period
        for ack in history.planned:
            at: datetime = ack["at"]
            for (low, high), _, _ in stretches:
                if low <= at <= high:
                    first, last = max(low, start), min(high, until)
                    if last > first:
                        reason = ack["reason"] or "no reason given"
                        self.checks[history.check_id].append((first, last))
                        self.site.append((first, last))
                        self.shown.append((first, last, f"planned work: {reason} (acknowledged by {ack['by']})"))
                    break

    def listed(self) -> list[Listed]:
        return sorted(self.shown, key=lambda item: (item[0], item[1]))


def exclusions(
    name: str,
    groups: list[str],
    counted: Sequence[CheckHistory],
    stored: Sequence[Listed],
    maintenance: Sequence[MaintenanceWindow],
    period: Interval,
) -> Exclusions:
    """The site's stored windows and the config windows covering it (or some of its checks) over the period."""
    out = Exclusions(shown=list(stored))
    out.site = [(low, high) for low, high, _ in stored]
    out.checks = {history.check_id: list(out.site) for history in counted}
    site_groups = {name: tuple(groups)}
    for window in maintenance:
        covered = [h for h in counted if covers(window, name, f"site.{name}.{h.name}", site_groups)]
        if not covered:
            continue
        spans = window_spans(window, *period)
        for history in covered:
            out.checks[history.check_id] += spans
        whole = len(covered) == len(counted)
        if whole:
            out.site += spans
        label = _window_label(window, None if whole else [history.name for history in covered])
        out.shown += [(low, high, label) for low, high in spans]
    return out


def _window_label(window: MaintenanceWindow, checks: list[str] | None) -> str:
    """How a config window is listed: its comment (or schedule), and the checks when it covers only some."""
    what = window.comment or (f"every {window.every.text}" if window.every is not None else "one-off window")
    return f"maintenance (config): {what}" + (f" [checks {', '.join(checks)}]" if checks else "")
