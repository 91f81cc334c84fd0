"""Maintenance windows: times when a site's problems are expected, set from the dashboard or API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from sitewarden.store.tables import maintenance_windows


@dataclass(frozen=True, slots=True)
class MaintenanceWindow:
    """A site's planned downtime, from start to end."""

    id: int
    site: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: str | None

    def covers(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def add_window(
    connection: Connection,
    site: str,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    created_by: str | None,
    now: datetime,
) -> int:
    if ends_at <= starts_at:
        raise ValueError("a maintenance window must end after it starts")
    outcome = connection.execute(
        maintenance_windows.insert().values(
            site=site, starts_at=starts_at, ends_at=ends_at, reason=reason, created_by=created_by, created_at=now
        )
    )
    key = outcome.inserted_primary_key
    assert key is not None
    return int(key[0])


def add_windows(
    connection: Connection,
    sites: list[str],
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    created_by: str | None,
    now: datetime,
) -> None:
    """The same window for many sites in one statement (bulk actions)."""
    if ends_at <= starts_at:
        raise ValueError("a maintenance window must end after it starts")
    if sites:
        values = {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "reason": reason,
            "created_by": created_by,
            "created_at": now,
        }
        connection.execute(maintenance_windows.insert(), [{"site": site, **values} for site in sites])


def site_windows(connection: Connection, site: str, now: datetime) -> list[MaintenanceWindow]:
    """A site's current and future windows, soonest first."""
    query = (
        select(maintenance_windows)
        .where(maintenance_windows.c.site == site, maintenance_windows.c.ends_at > now)
        .order_by(maintenance_windows.c.starts_at)
    )
    return [_window(row) for row in connection.execute(query)]


def in_maintenance(connection: Connection, site: str, now: datetime) -> bool:
    """Whether a site is inside a maintenance window now (for notification routing)."""
    query = select(maintenance_windows.c.id).where(
        maintenance_windows.c.site == site,
        maintenance_windows.c.starts_at <= now,
        maintenance_windows.c.ends_at > now,
    )
    return connection.execute(query.limit(1)).first() is not None


def delete_window(connection: Connection, window_id: int) -> bool:
    return bool(connection.execute(delete(maintenance_windows).where(maintenance_windows.c.id == window_id)).rowcount)


def _window(row: Any) -> MaintenanceWindow:
    return MaintenanceWindow(
        row.id,
        row.site,
        row.starts_at,
        row.ends_at,
        row.reason,
        row.created_by,
    )
