"""Scale-out: checks hash into a fixed number of shards; each `sitewarden worker` runs the shards it leases.

A worker renews its leases every few seconds; a dead worker's shards expire and move to the others within about
twenty seconds. The lease epoch fences a worker that lost a shard: its late results for that shard are dropped in
the same transaction that would have written them, so one check never counts twice.
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
from datetime import timedelta
from typing import TYPE_CHECKING

from sitewarden.clock import SYSTEM_CLOCK, Clock
from sitewarden.store import leases
from sitewarden.store.database import Database
from sitewarden.store.states import load_states

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from sitewarden.engine.writer import PendingWrite
    from sitewarden.states import CheckState

logger = logging.getLogger(__name__)
SHARDS = 512
LEASE_TTL = 15.0
RENEW_EVERY = 5.0


def shard_of(key: str, count: int = SHARDS) -> int:
    """The shard of a check key: stable across processes and restarts."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


class ShardKeeper:
    """Holds this worker's leases: renews them, takes its fair share, gives back the excess."""

    def __init__(
        self,
        database: Database,
        worker: str,
        *,
        count: int = SHARDS,
        ttl: float = LEASE_TTL,
        renew_every: float = RENEW_EVERY,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.database = database
        self.worker = worker
        self.count = count
        self.ttl = timedelta(seconds=ttl)
        self.renew_every = renew_every
        self.clock = clock
        self.epochs: dict[int, int] = {}
        self._prepared = False
        self._order = random.Random(worker).sample(range(count), count)  # spread first claims of several workers

    def owns(self, key: str) -> bool:
        return shard_of(key, self.count) in self.epochs

    def maintain(self) -> tuple[set[int], set[int]]:
        """Renew, rebalance and claim in one transaction; returns (shards gained, shards lost)."""
        now = self.clock.now()
        before = set(self.epochs)
        with self.database.transaction() as connection:
            if not self._prepared:
                leases.ensure_shards(connection, self.count)
                self._prepared = True
            held = leases.renew(connection, self.worker, now, self.ttl)
            alive = set(leases.live_workers(connection, now, self.ttl)) | {self.worker}
            fair = math.ceil(self.count / len(alive))
            if len(held) > fair:
                excess = sorted(held)[fair:]
                leases.release(connection, self.worker, excess)
                for shard in excess:
                    held.pop(shard)
            elif len(held) < fair:
                free = set(leases.claimable(connection, now))
                wanted = [shard for shard in self._order if shard in free][: fair - len(held)]
                held.update(leases.claim(connection, self.worker, wanted, now, self.ttl))
        self.epochs = held
        gained, lost = set(held) - before, before - set(held)
        if gained or lost:
            logger.info(
                "shards changed worker=%s held=%d gained=%d lost=%d", self.worker, len(held), len(gained), len(lost)
            )
        return gained, lost

    def fence(self, connection: Connection, batch: list[PendingWrite]) -> list[PendingWrite]:
        """Keep only results of shards this worker still holds with the epoch it ran them under."""
        wanted = {shard_of(item.key, self.count) for item in batch}
        epochs = {shard: self.epochs[shard] for shard in wanted if shard in self.epochs}
        valid = leases.still_held(connection, self.worker, epochs, self.clock.now())
        kept = [item for item in batch if shard_of(item.key, self.count) in valid]
        if len(kept) < len(batch):
            logger.warning(
                "results dropped: shard lease lost worker=%s dropped=%d", self.worker, len(batch) - len(kept)
            )
        return kept

    def stored_states(self, check_ids: list[int]) -> dict[int, CheckState]:
        """The stored states of checks in shards just won: where their previous owner left them."""
        with self.database.transaction() as connection:
            return load_states(connection, check_ids)

    def release_all(self) -> None:
        """On a clean stop: hand every shard back so the other workers take them at once."""
        with self.database.transaction() as connection:
            leases.release(connection, self.worker, list(self.epochs))
        self.epochs = {}
