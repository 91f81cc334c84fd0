"""The result listener that keeps inventory history: store each snapshot, one event per changed item, and verdicts.

Snapshot, change events and the site's verdicts against the catalogue (with an event per changed verdict) are
written in one transaction, so a change is never stored without its events, its verdicts, or twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from sitewarden.app.assessments import assess_current
from sitewarden.catalog.verdicts import Judging
from sitewarden.inventory.base import ATTACHMENT
from sitewarden.inventory.diff import change_events, diff_snapshots
from sitewarden.inventory.model import InventorySnapshot
from sitewarden.results import Result, utcnow
from sitewarden.store.events import insert_events
from sitewarden.store.inventory import confirm_snapshot, insert_snapshot, latest_snapshot

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Connection

    from sitewarden.config.plan import CheckSpec
    from sitewarden.events.model import Event
    from sitewarden.store.database import Database

logger = logging.getLogger(__name__)


class InventoryRecorder:
    """Stores the snapshot a collector attached to its result; diffs it against the site check's last one."""

    def __init__(self, database: Database, judging: Judging | None = None) -> None:
        self.database = database
        self.judging = judging

    async def on_result(self, spec: CheckSpec, result: Result, state: Any, transition: Any) -> None:
        snapshot = result.attachments.get(ATTACHMENT)
        if not isinstance(snapshot, InventorySnapshot):
            return
        events = await asyncio.to_thread(self.record, spec, snapshot)
        if events:
            logger.info("inventory or verdicts changed check=%s events=%d", spec.key, len(events))

    def record(self, spec: CheckSpec, snapshot: InventorySnapshot) -> list[Event]:
        """Store one snapshot, its change events and the site's verdicts in one transaction; returns the events written.

        A snapshot whose items equal the latest one's only confirms that row, so history grows with changes. The
        site is judged on every snapshot (also an unchanged one, as end-of-life dates pass), but only a changed
        verdict is an event.
        """
        now = utcnow()
        with self.database.transaction() as connection:
            events = self._store(connection, spec, snapshot, now)
            if spec.site is not None:
                events += assess_current(connection, spec.site, judging=self.judging)
        return events

    def _store(
        self, connection: Connection, spec: CheckSpec, snapshot: InventorySnapshot, now: datetime
    ) -> list[Event]:
        """History first: insert a changed snapshot with its change events, or confirm the unchanged latest one."""
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
