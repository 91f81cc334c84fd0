"""The result listener that keeps inventory history: store each snapshot, and one event per changed item.

Snapshot and events are written in one transaction, so a change is never stored without its events or twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from sitewarden.inventory.base import ATTACHMENT
from sitewarden.inventory.diff import change_events, diff_snapshots
from sitewarden.inventory.model import InventorySnapshot
from sitewarden.results import Result, utcnow
from sitewarden.store.events import insert_events
from sitewarden.store.inventory import confirm_snapshot, insert_snapshot, latest_snapshot

if TYPE_CHECKING:
    from sitewarden.config.plan import CheckSpec
    from sitewarden.events.model import Event
    from sitewarden.store.database import Database

logger = logging.getLogger(__name__)


class InventoryRecorder:
    """Stores the snapshot a collector attached to its result; diffs it against the site check's last one."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def on_result(self, spec: CheckSpec, result: Result, state: Any, transition: Any) -> None:
        snapshot = result.attachments.get(ATTACHMENT)
        if not isinstance(snapshot, InventorySnapshot):
            return
        events = await asyncio.to_thread(self.record, spec, snapshot)
        if events:
            logger.info("inventory changed check=%s changes=%d", spec.key, len(events))

    def record(self, spec: CheckSpec, snapshot: InventorySnapshot) -> list[Event]:
        """Store one snapshot and its change events in one transaction; returns the events written.

        A snapshot whose items equal the latest one's only confirms that row, so history grows with changes.
        """
        now = utcnow()
        with self.database.transaction() as connection:
            previous = latest_snapshot(connection, spec.site, spec.name)
            if previous is None:
                insert_snapshot(connection, spec.site, spec.name, snapshot, now)
                return []
            changes = diff_snapshots(previous.snapshot, snapshot)
            if not changes:
                confirm_snapshot(connection, previous, snapshot, now)
                return []
            current = insert_snapshot(connection, spec.site, spec.name, snapshot, now)
            events = change_events(
                changes, site=spec.site, check=spec.name, channel=spec.channel, snapshot_id=current.id, at=now
            )
            insert_events(connection, events)
        return events
