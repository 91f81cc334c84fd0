"""Pushed health documents: one row per `cms_health` check in push mode, holding its token's hash and last push.

Only the latest document is kept: every push becomes a result of the check when the engine judges it, and the
results are the history. The token itself is never stored, only its SHA-256, so the web process (which has no
config) can check a push, and a new token in the config replaces the hash on the next reload (revocation).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, select, update

from sitewarden.store.batches import chunked
from sitewarden.store.database import Database
from sitewarden.store.tables import push_documents


@dataclass(frozen=True, slots=True)
class PushSpec:
    """A check that accepts pushed documents: its key, its token, and how often a push is expected."""

    check_key: str
    token: str
    period: float
    grace: float
    flavour: str = "spec"


@dataclass(frozen=True, slots=True)
class PushFacts:
    """What the check judges: the last accepted document and the last refused push, with their times."""

    check_key: str
    period: float
    grace: float
    created_at: datetime
    received_at: datetime | None = None
    body: str | None = None
    media_type: str | None = None
    problem: str | None = None
    problem_at: datetime | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sync_pushes(connection: Connection, specs: Iterable[PushSpec], now: datetime) -> None:
    """Give every push check its row; a changed token replaces the stored hash (the old token stops working).

    `specs` is every push check of the effective config: the row of a check no longer pushed to is deleted, so
    removing the check (or turning it back to `mode: pull`) also stops its token.
    """
    rows = {row.check_key: row for row in connection.execute(select(push_documents.c.id, push_documents.c.check_key))}
    wanted = list(specs)
    keys = {spec.check_key for spec in wanted}
    stale = [row.id for key, row in rows.items() if key not in keys]
    for chunk in chunked(stale):
        connection.execute(delete(push_documents).where(push_documents.c.id.in_(chunk)))
    for spec in wanted:
        values = {
            "token_hash": token_hash(spec.token),
            "flavour": spec.flavour,
            "period_s": spec.period,
            "grace_s": spec.grace,
            "updated_at": now,
        }
        row = rows.get(spec.check_key)
        if row is None:
            connection.execute(push_documents.insert().values(check_key=spec.check_key, created_at=now, **values))
        else:
            connection.execute(update(push_documents).where(push_documents.c.id == row.id).values(**values))


def token_matches(connection: Connection, check_key: str, offered: str) -> tuple[bool, str] | None:
    """Whether `offered` is the check's token (compared in constant time), and the check's flavour.

    None when no push check has this key.
    """
    query = select(push_documents.c.token_hash, push_documents.c.flavour).where(push_documents.c.check_key == check_key)
    row = connection.execute(query).first()
    if row is None:
        return None
    return hmac.compare_digest(token_hash(offered), str(row.token_hash)), str(row.flavour)


def record_push(connection: Connection, check_key: str, body: str, media_type: str, now: datetime) -> None:
    """Keep an accepted document as the check's latest; a refused push before it no longer counts."""
    connection.execute(
        update(push_documents)
        .where(push_documents.c.check_key == check_key)
        .values(received_at=now, body=body, media_type=media_type[:100], problem=None, problem_at=None)
    )


def record_push_problem(connection: Connection, check_key: str, problem: str, now: datetime) -> None:
    """Note why a push was refused: the check turns `warning` with this reason until a good push comes."""
    connection.execute(
        update(push_documents)
        .where(push_documents.c.check_key == check_key)
        .values(problem=problem[:1000], problem_at=now)
    )


def push_facts(connection: Connection, check_key: str) -> PushFacts | None:
    row = connection.execute(select(push_documents).where(push_documents.c.check_key == check_key)).first()
    if row is None:
        return None
    return PushFacts(
        check_key=row.check_key,
        period=row.period_s,
        grace=row.grace_s,
        created_at=row.created_at,
        received_at=row.received_at,
        body=row.body,
        media_type=row.media_type,
        problem=row.problem,
        problem_at=row.problem_at,
    )


class PushReader:
    """What a push-mode check gets through `ProbeContext.services["pushes"]`: reads off the event loop."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def facts(self, check_key: str) -> PushFacts | None:
        def read() -> PushFacts | None:
            with self.database.transaction() as connection:
                return push_facts(connection, check_key)

        return await asyncio.to_thread(read)
