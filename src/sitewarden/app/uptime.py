"""Uptime over 24 hours, 7 days and 30 days from the hourly rollups, per check and per site.

The share of results that were up (ok or warning) in each span: what a dashboard shows beside a status. SLA
reports (`app.sla`) measure time from confirmed state changes instead; both read data kept after raw results are
pruned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sitewarden.app.database import Session
from sitewarden.store.overview import SiteSummary
from sitewarden.store.rollups import UptimeCounts, uptime_by_check, uptime_by_site

SPANS = (timedelta(hours=24), timedelta(days=7), timedelta(days=30))
LABELS = ("24 h", "7 d", "30 d")


@dataclass(frozen=True, slots=True)
class Uptime:
    """Share of results up over 24 h, 7 d and 30 d; None for a span without any result."""

    day: float | None = None
    week: float | None = None
    month: float | None = None

    def figures(self) -> list[tuple[str, float | None]]:
        """(label, share) per span, for a page to show in order."""
        return list(zip(LABELS, (self.day, self.week, self.month), strict=True))


NO_DATA = Uptime()


def _uptime(counts: UptimeCounts) -> Uptime:
    shares = [up / total if total else None for up, total in counts]
    return Uptime(*shares)


def check_uptimes(connection: Session, check_ids: list[int], now: datetime) -> dict[int, Uptime]:
    """Uptime of each check (checks without a rollup are left out)."""
    return {key: _uptime(counts) for key, counts in uptime_by_check(connection, check_ids, now, SPANS).items()}


def site_uptimes(connection: Session, site_ids: list[int], now: datetime) -> dict[int, Uptime]:
    """Uptime of each site over all its active checks' results, in one grouped query for the whole list."""
    return {key: _uptime(counts) for key, counts in uptime_by_site(connection, site_ids, now, SPANS).items()}


def add_uptimes(connection: Session, rows: list[SiteSummary], now: datetime) -> None:
    """Fill the uptime figures of shown overview rows (the page's sites only, so the cost follows the page)."""
    found = site_uptimes(connection, [row.id for row in rows], now) if rows else {}
    for row in rows:
        uptime = found.get(row.id, NO_DATA)
        row.uptime_24h, row.uptime_7d, row.uptime_30d = uptime.day, uptime.week, uptime.month
