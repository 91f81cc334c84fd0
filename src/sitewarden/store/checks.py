"""Sites and checks as rows: the config is mirrored into the store so results, states and the web share ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from sitewarden.store.tables import checks, sites


@dataclass(frozen=True, slots=True)
class SiteRow:
    """A site as the store keeps it (no secrets)."""

    name: str
    url: str
    groups: list[str]
    contacts: list[str]
    source: str = "config"


@dataclass(frozen=True, slots=True)
class CheckRow:
    """A check as the store keeps it; `params` is the redacted parameter dump."""

    key: str
    site: str | None
    name: str
    kind: str
    params: dict[str, Any]
    interval: float
    source: str = "config"


def sync_config(
    connection: Connection, site_rows: Iterable[SiteRow], check_rows: Iterable[CheckRow], now: datetime
) -> dict[str, int]:
    """Upsert the sites and checks the engine runs; deactivate rows no longer present.

    Returns check key → id. Rows are never deleted here, so the history of a removed check stays readable.
    """
    site_ids: dict[str, int] = {}
    existing_sites = {row.name: row for row in connection.execute(select(sites))}
    for site in site_rows:
        values = {
            "url": site.url,
            "groups": site.groups,
            "contacts": site.contacts,
            "source": site.source,
            "active": True,
            "updated_at": now,
        }
        row = existing_sites.pop(site.name, None)
        if row is None:
            inserted = connection.execute(sites.insert().values(name=site.name, created_at=now, **values))
            site_ids[site.name] = _new_id(inserted)
        else:
            connection.execute(update(sites).where(sites.c.id == row.id).values(**values))
            site_ids[site.name] = row.id
    stale_sites = [row.id for row in existing_sites.values() if row.active]
    if stale_sites:
        connection.execute(update(sites).where(sites.c.id.in_(stale_sites)).values(active=False, updated_at=now))

    check_ids: dict[str, int] = {}
    existing_checks = {row.key: row for row in connection.execute(select(checks))}
    for check in check_rows:
        values = {
            "site_id": site_ids.get(check.site) if check.site else None,
            "name": check.name,
            "kind": check.kind,
            "params": check.params,
            "interval_s": check.interval,
            "source": check.source,
            "active": True,
            "updated_at": now,
        }
        row = existing_checks.pop(check.key, None)
        if row is None:
            inserted = connection.execute(checks.insert().values(key=check.key, created_at=now, **values))
            check_ids[check.key] = _new_id(inserted)
        else:
            if _changed(row, values):
                connection.execute(update(checks).where(checks.c.id == row.id).values(**values))
            check_ids[check.key] = row.id
    stale = [row.id for row in existing_checks.values() if row.active]
    if stale:
        connection.execute(update(checks).where(checks.c.id.in_(stale)).values(active=False, updated_at=now))
    return check_ids


def check_ids_by_key(connection: Connection) -> dict[str, int]:
    return {row.key: row.id for row in connection.execute(select(checks.c.key, checks.c.id))}


def check_key_and_site(connection: Connection, check_id: int) -> tuple[str, str | None] | None:
    """An active check's key and site name (None outside any site), or None when no active check has this id."""
    row = connection.execute(
        select(checks.c.key, sites.c.name)
        .select_from(checks.outerjoin(sites, sites.c.id == checks.c.site_id))
        .where(checks.c.id == check_id, checks.c.active.is_(True))
    ).first()
    if row is None:
        return None
    return str(row.key), (str(row.name) if row.name is not None else None)


def _changed(row: Any, values: dict[str, Any]) -> bool:
    return any(getattr(row, key) != value for key, value in values.items() if key != "updated_at")


def _new_id(outcome: Any) -> int:
    key = outcome.inserted_primary_key
    assert key is not None
    return int(key[0])
