"""Shard ownership on the engine's side: which checks this worker schedules, following the leases it wins and loses."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sitewarden.engine.dispatch import Dispatcher
from sitewarden.engine.shards import ShardKeeper, shard_of
from sitewarden.errors import StoreError

logger = logging.getLogger(__name__)


class Ownership:
    """All checks are ours without a shard keeper; with one, only those of the shards it holds."""

    def __init__(self, keeper: ShardKeeper | None) -> None:
        self.keeper = keeper
        self._settled = False  # the first claim (the engine's start) schedules by phase; later gains resume

    def mine(self, key: str) -> bool:
        return self.keeper is None or self.keeper.owns(key)

    async def rebalance(self, dispatcher: Dispatcher, now: float) -> bool:
        """Renew and rebalance the leases; schedule the checks of shards won, drop those of shards lost.

        True when this worker's share of the checks changed (its offered load is then measured again).
        """
        if self.keeper is None:
            return False
        try:
            gained, lost = await asyncio.to_thread(self.keeper.maintain)
        except StoreError as exc:
            logger.warning("cannot renew shard leases error=%s", exc)
            return False
        first, self._settled = not self._settled, True
        if not gained and not lost:
            return False
        won = []
        checks = dispatcher.checks()
        for key in checks:
            shard = shard_of(key, self.keeper.count)
            if shard in lost:
                dispatcher.remove(key)
            elif shard in gained and dispatcher.is_idle(key):
                won.append(key)
        if first or not won:
            dispatcher.schedule_all(won, now)
            return True
        ids = {checks[key].check_id: key for key in won}
        try:
            stored = await asyncio.to_thread(self.keeper.stored_states, list(ids))
        except StoreError as exc:
            logger.warning("cannot read the states of shards won error=%s", exc)
            stored = {}
        by_key = {ids[check_id]: state for check_id, state in stored.items() if check_id in ids}
        catch_up = self.keeper.ttl.total_seconds() + self.keeper.renew_every
        checks = dispatcher.checks()  # the loop ran meanwhile: a reload, a renewal, a check started
        won = [key for key in won if key in checks and dispatcher.is_idle(key) and self.keeper.owns(key)]
        dispatcher.resume_all(won, by_key, max(now, dispatcher.clock.monotonic()), catch_up)
        return True

    async def release(self) -> None:
        """Hand every shard back on a clean stop, so the other workers take them at once."""
        if self.keeper is not None:
            with contextlib.suppress(StoreError):
                await asyncio.to_thread(self.keeper.release_all)
