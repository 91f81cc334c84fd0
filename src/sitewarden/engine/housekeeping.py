"""Housekeeping: raw results, rollups and audit entries past their retention are deleted, in a thread, hourly."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sitewarden.clock import Clock
from sitewarden.config.models import Retention
from sitewarden.store.audit import prune_audit
from sitewarden.store.database import Database
from sitewarden.store.results import prune_results
from sitewarden.store.rollups import prune_rollups

logger = logging.getLogger(__name__)
PRUNE_EVERY = 3600.0
FIRST_PRUNE_AFTER = 60.0


async def prune(database: Database, retention: Retention, clock: Clock) -> None:
    """Delete raw results, rollups and audit entries past their retention."""
    now = clock.now()

    def work() -> tuple[int, int]:
        with database.transaction() as connection:
            raw = prune_results(connection, now - timedelta(seconds=retention.results))
            hourly = prune_rollups(connection, now - timedelta(seconds=retention.hourly))
            prune_audit(connection, now - timedelta(seconds=retention.audit))
        return raw, hourly

    raw, hourly = await asyncio.to_thread(work)
    if raw or hourly:
        logger.info("pruned results=%d rollups=%d", raw, hourly)
