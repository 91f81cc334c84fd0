"""Shard leases: which worker runs which slice of the checks, with epochs that fence a worker that lost one.

Every change is a conditional UPDATE, so two workers racing for one shard cannot both win it, and a worker whose
lease expired (and was taken) finds its epoch changed before it writes anything for that shard.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, func, or_, select, update

from sitewarden.store.tables import shard_leases, workers


def ensure_shards(connection: Connection, count: int) -> None:
    """Create the lease rows once (idempotent; several workers may call it at the same time)."""
    present = int(connection.scalar(select(func.count()).select_from(shard_leases)) or 0)
    if present >= count:
        return
    existing = set(connection.scalars(select(shard_leases.c.shard)))
    missing = [{"shard": shard, "worker": None, "epoch": 0} for shard in range(count) if shard not in existing]
    if missing:
        from sitewarden.store.database import upsert_statement

        connection.execute(upsert_statement(connection, shard_leases).on_conflict_do_nothing(), missing)


def live_workers(connection: Connection, now: datetime, ttl: timedelta) -> list[str]:
    """Workers that published their figures within the lease time, sorted."""
    query = select(workers.c.name).where(workers.c.updated_at >= now - ttl).order_by(workers.c.name)
    return list(connection.scalars(query))


def held(connection: Connection, worker: str, now: datetime) -> dict[int, int]:
    """Shard → epoch of the unexpired leases this worker holds."""
    query = select(shard_leases.c.shard, shard_leases.c.epoch).where(
        shard_leases.c.worker == worker, shard_leases.c.expires_at > now
    )
    return {row.shard: row.epoch for row in connection.execute(query)}


def renew(connection: Connection, worker: str, now: datetime, ttl: timedelta) -> dict[int, int]:
    """Extend every unexpired lease of this worker; an expired one is lost (another worker may hold it now)."""
    connection.execute(
        update(shard_leases)
        .where(shard_leases.c.worker == worker, shard_leases.c.expires_at > now)
        .values(expires_at=now + ttl)
    )
    return held(connection, worker, now)


def claim(connection: Connection, worker: str, shards: list[int], now: datetime, ttl: timedelta) -> dict[int, int]:
    """Take free or expired shards, each by a conditional update with a new epoch; returns what was won."""
    won: dict[int, int] = {}
    for shard in shards:
        outcome = connection.execute(
            update(shard_leases)
            .where(
                shard_leases.c.shard == shard,
                or_(shard_leases.c.worker.is_(None), shard_leases.c.expires_at <= now),
            )
            .values(worker=worker, epoch=shard_leases.c.epoch + 1, expires_at=now + ttl)
        )
        if outcome.rowcount:
            epoch = connection.scalar(select(shard_leases.c.epoch).where(shard_leases.c.shard == shard))
            won[shard] = int(epoch or 0)
    return won


def claimable(connection: Connection, now: datetime) -> list[int]:
    query = select(shard_leases.c.shard).where(or_(shard_leases.c.worker.is_(None), shard_leases.c.expires_at <= now))
    return sorted(connection.scalars(query))


def release(connection: Connection, worker: str, shards: list[int]) -> None:
    """Give shards back (on rebalancing or shutdown) so another worker can take them at once."""
    if shards:
        connection.execute(
            update(shard_leases)
            .where(shard_leases.c.worker == worker, shard_leases.c.shard.in_(shards))
            .values(worker=None, expires_at=None)
        )


def still_held(connection: Connection, worker: str, epochs: dict[int, int], now: datetime) -> set[int]:
    """Of the given shard → epoch pairs, those this worker still holds with the same epoch (the fence)."""
    if not epochs:
        return set()
    query = select(shard_leases.c.shard).where(
        shard_leases.c.worker == worker,
        shard_leases.c.expires_at > now,
        or_(*(and_(shard_leases.c.shard == shard, shard_leases.c.epoch == epoch) for shard, epoch in epochs.items())),
    )
    return set(connection.scalars(query))
