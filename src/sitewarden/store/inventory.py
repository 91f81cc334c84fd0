"""Inventory snapshots with history: a row per distinct snapshot of a site's check, `last_seen_at` per confirmation.

A snapshot equal to the latest one only moves that row's `last_seen_at`, so history grows with changes, not runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select, update

from sitewarden.inventory.model import InventorySnapshot
from sitewarden.store.tables import inventory_snapshots


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    """A snapshot as stored: which site and check, when first collected and last confirmed."""

    id: int
    site: str | None
    check: str
    snapshot: InventorySnapshot
    collected_at: datetime
    last_seen_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "check": self.check,
            "collected_at": self.collected_at.isoformat(),
            "last_seen_at": self.last_seen_at.isoformat(),
            "snapshot": self.snapshot.model_dump(mode="json", exclude={"collected_at"}),
        }


def snapshot_digest(snapshot: InventorySnapshot) -> str:
    """Identity of a snapshot's content (the collection time left out)."""
    data = snapshot.model_dump(mode="json", exclude={"collected_at"})
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def insert_snapshot(
    connection: Connection, site: str | None, check: str, snapshot: InventorySnapshot, now: datetime
) -> StoredSnapshot:
    """Add a snapshot to the history of a site's check."""
    collected = snapshot.collected_at or now
    outcome = connection.execute(
        inventory_snapshots.insert().values(
            site=site,
            check_name=check,
            source=snapshot.source or "unknown",
            digest=snapshot_digest(snapshot),
            snapshot=snapshot.model_dump(mode="json"),
            collected_at=collected,
            last_seen_at=now,
        )
    )
    key = outcome.inserted_primary_key
    assert key is not None
    return StoredSnapshot(int(key[0]), site, check, snapshot, collected, now)


def confirm_snapshot(
    connection: Connection, stored: StoredSnapshot, snapshot: InventorySnapshot, now: datetime
) -> StoredSnapshot:
    """The latest row still holds: move `last_seen_at`, and refresh details (evidence, extras) if they moved."""
    values: dict[str, Any] = {"last_seen_at": now}
    digest = snapshot_digest(snapshot)
    if digest != snapshot_digest(stored.snapshot):
        values.update(digest=digest, snapshot=snapshot.model_dump(mode="json"))
    connection.execute(update(inventory_snapshots).where(inventory_snapshots.c.id == stored.id).values(**values))
    return StoredSnapshot(stored.id, stored.site, stored.check, snapshot, stored.collected_at, now)


def latest_snapshot(connection: Connection, site: str | None, check: str) -> StoredSnapshot | None:
    query = (
        select(inventory_snapshots)
        .where(_site_is(site), inventory_snapshots.c.check_name == check)
        .order_by(inventory_snapshots.c.id.desc())
        .limit(1)
    )
    row = connection.execute(query).first()
    return _stored(row) if row is not None else None


def latest_snapshots(connection: Connection, site: str | None = None) -> list[StoredSnapshot]:
    """The newest snapshot of every (site, check), or of one site's checks; ordered by site and check."""
    grouped = select(func.max(inventory_snapshots.c.id).label("id"))
    if site is not None:  # filter before grouping: a site page must not group the whole fleet's history
        grouped = grouped.where(inventory_snapshots.c.site == site)
    newest = grouped.group_by(inventory_snapshots.c.site, inventory_snapshots.c.check_name).subquery()
    query = select(inventory_snapshots).join(newest, inventory_snapshots.c.id == newest.c.id)
    query = query.order_by(inventory_snapshots.c.site, inventory_snapshots.c.check_name)
    return [_stored(row) for row in connection.execute(query)]


def _site_is(site: str | None) -> Any:
    column = inventory_snapshots.c.site
    return column.is_(None) if site is None else and_(column == site)


def _stored(row: Any) -> StoredSnapshot:
    return StoredSnapshot(
        id=int(row.id),
        site=row.site,
        check=row.check_name,
        snapshot=InventorySnapshot.model_validate(row.snapshot),
        collected_at=row.collected_at,
        last_seen_at=row.last_seen_at,
    )
