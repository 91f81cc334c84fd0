"""One writer task: results, states and rollups go to the store in batches, each batch one transaction."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from sitewarden.errors import StoreError
from sitewarden.events.model import Event
from sitewarden.results import Result, utcnow
from sitewarden.states import CheckState
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events
from sitewarden.store.results import insert_results
from sitewarden.store.rollups import add_to_rollups
from sitewarden.store.states import save_states

logger = logging.getLogger(__name__)
Fence = Callable[[Connection, list["PendingWrite"]], list["PendingWrite"]]
"""Filters a batch inside the write transaction (scale-out: drop results of shards this worker lost)."""


@dataclass(frozen=True, slots=True)
class PendingWrite:
    """A result and the state it left its check in."""

    check_id: int
    result: Result
    state: CheckState
    events: tuple[Event, ...] = ()
    key: str = ""
    stored: bool = True
    """False for an ok result that repeats its predecessor: it counts in the rollups, no raw row is written."""


class ResultWriter:
    """Collects results from every check and writes them in batches; memory is bounded by the queue size."""

    def __init__(
        self, database: Database, *, batch_size: int = 1000, flush_interval: float = 0.5, fence: Fence | None = None
    ) -> None:
        self.database = database
        self.fence = fence
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.queue: asyncio.Queue[PendingWrite | None] = asyncio.Queue(maxsize=batch_size * 20)
        self.written = 0
        self.folded = 0
        self.failed_batches = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="result-writer")

    async def put(self, item: PendingWrite) -> None:
        """Queue a result; waits when the store falls far behind, which slows the checks instead of eating memory."""
        await self.queue.put(item)

    async def stop(self) -> None:
        """Write everything queued so far, then end the task (a sentinel, never a cancel, so nothing is lost)."""
        if self._task is not None:
            await self.queue.put(None)
            await self._task
            self._task = None
        else:
            await self.flush()

    async def flush(self) -> None:
        """Write what is queued now, in batches (used when no writer task runs)."""
        while not self.queue.empty():
            batch = [item for item in self._drain(self.batch_size) if item is not None]
            if batch:
                await self._write(batch)

    async def _run(self) -> None:
        while True:
            first = await self.queue.get()
            if first is None:
                break
            await self._gather_batch()
            drained = self._drain(self.batch_size - 1)
            batch = [first, *(item for item in drained if item is not None)]
            await self._write(batch)
            if None in drained:
                break

    async def _gather_batch(self) -> None:
        """Wait until a full batch is queued or flush_interval has passed: one transaction for many results."""
        deadline = time.monotonic() + self.flush_interval
        while self.queue.qsize() < self.batch_size - 1:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await asyncio.sleep(min(remaining, 0.05))

    def _drain(self, limit: int) -> list[PendingWrite | None]:
        items: list[PendingWrite | None] = []
        while len(items) < limit:
            try:
                item = self.queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            items.append(item)
            if item is None:
                break
        return items

    async def _write(self, batch: list[PendingWrite]) -> None:
        try:
            await asyncio.to_thread(write_batch, self.database, batch, self.fence)
            self.written += len(batch)
            self.folded += sum(1 for item in batch if not item.stored)
        except StoreError as exc:
            self.failed_batches += 1
            logger.error("cannot write results count=%d error=%s", len(batch), exc)


def write_batch(database: Database, batch: list[PendingWrite], fence: Fence | None = None) -> None:
    """Results, rollups, the latest state per check and events, in one transaction (after the fence, if any)."""
    with database.transaction() as connection:
        if fence is not None:
            batch = fence(connection, batch)
        rows = [(item.check_id, item.result) for item in batch]
        latest = {item.check_id: item.state for item in batch}
        insert_results(connection, [(item.check_id, item.result) for item in batch if item.stored])
        add_to_rollups(connection, rows)
        save_states(connection, latest, utcnow())
        new_events = [event for item in batch for event in item.events]
        if new_events:
            insert_events(connection, new_events)
