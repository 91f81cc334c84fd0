"""Delivery, once for all handlers: claim, attempt record before the send, timeout, retries with backoff, system event.

A delivery left `sending` by a worker that died mid-send is not sent again (that could send it twice): it is marked
failed and reported as a `system` event, so someone knows to look.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from jinja2 import Environment

from sitewarden.durations import format_duration
from sitewarden.errors import DeliveryError
from sitewarden.events.handlers import HANDLERS
from sitewarden.events.handlers.base import HandlerContext, HandlerParams
from sitewarden.events.handlers.email_handler import EmailParams
from sitewarden.events.message import Message, MessageItem, render_message
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.events.processors import PROCESSORS
from sitewarden.events.processors.base import ProcessorContext
from sitewarden.events.settings import TargetConfig
from sitewarden.secrets import redact
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events
from sitewarden.store.notifications import (
    ClaimLost,
    Delivery,
    claim_delivery,
    deliveries_by_id,
    delivery_outcomes,
    due_deliveries,
    fail_stale,
    finish_attempt,
    group_items,
    stale_deliveries,
)

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=10)
REPORT_PREFIX = "report:"
"""Deliveries of reports (`report:client:<site>`, `report:admin`) are emails whose text comes from a ReportSource."""
ReportSource = Callable[[str], tuple[list[str], Message] | None]
"""A report delivery's recipients and message, rendered when it is sent; None when there is nothing to send now."""


@dataclass(slots=True)
class DeliveryStats:
    """What one pass of deliveries did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


def build_message(
    environment: Environment,
    target: TargetConfig,
    params: HandlerParams,
    raw: list[tuple[str, Severity, Event]],
    processor_ctx: ProcessorContext,
    message_id: str,
) -> Message:
    """Items for this handler's level, through the target's processors, rendered with the handler's templates."""
    items = [MessageItem(event, notice, level) for notice, level, event in raw if level >= params.min_severity]
    for processor_params in target.processors:
        items = PROCESSORS[processor_params.kind]().process(processor_params, items, processor_ctx)
    return render_message(environment, params.kind, target.name, items, message_id=message_id)


class Deliverer:
    """Sends due deliveries concurrently; a failure is retried, logged and reported, never raised."""

    def __init__(
        self,
        database: Database,
        targets: dict[str, TargetConfig],
        environment: Environment,
        processor_ctx: ProcessorContext,
        handler_ctx: HandlerContext,
        *,
        worker: str,
        clock: Callable[[], datetime],
        concurrency: int = 10,
        reports: ReportSource | None = None,
    ) -> None:
        self.database = database
        self.targets = targets
        self.environment = environment
        self.processor_ctx = processor_ctx
        self.handler_ctx = handler_ctx
        self.worker = worker
        self.clock = clock
        self.slots = asyncio.Semaphore(concurrency)
        self.reports = reports

    async def deliver_due(self, *, everything: bool = False) -> DeliveryStats:
        """Send every delivery whose time has come (or every pending one, retries included, when `everything`)."""
        now = self.clock()
        due = await asyncio.to_thread(self._read, lambda c: due_deliveries(c, None if everything else now, 500))
        if self.reports is None:  # a report waits for a deliverer that can render it
            due = [delivery for delivery in due if not delivery.target.startswith(REPORT_PREFIX)]
        stats = DeliveryStats()
        chains: dict[tuple[str, int], list[Delivery]] = {}
        for delivery in due:  # one handler's messages go out in order; different handlers at once
            chains.setdefault((delivery.target, delivery.handler_index), []).append(delivery)
        results = await asyncio.gather(*(self._chain(chain) for chain in chains.values()))
        for outcome in (state for states in results for state in states):
            if outcome == "sent":
                stats.sent += 1
            elif outcome == "failed":
                stats.failed += 1
            elif outcome == "pending":
                stats.retried += 1
        return stats

    async def deliver_now(self, ids: list[int]) -> list[tuple[str, str | None]]:
        """One attempt for each of these deliveries now (a report just queued); their states and last errors."""
        due = await asyncio.to_thread(self._read, lambda c: deliveries_by_id(c, ids))
        for delivery in due:
            await self._guarded(delivery)
        outcomes: list[tuple[str, str | None]] = await asyncio.to_thread(
            self._read, lambda c: delivery_outcomes(c, ids)
        )
        return outcomes

    async def sweep_stale(self) -> int:
        """Mark deliveries abandoned mid-send as failed, with a system event each."""
        now = self.clock()
        stale = await asyncio.to_thread(self._read, lambda c: stale_deliveries(c, now - STALE_AFTER))
        for delivery in stale:
            error = "interrupted while sending; not retried so it cannot arrive twice"
            try:
                await asyncio.to_thread(self._fail_stale, delivery, error, now)
            except ClaimLost:
                continue
            logger.error("notification interrupted target=%s handler=%s", delivery.target, delivery.handler_kind)
        return len(stale)

    async def _chain(self, chain: list[Delivery]) -> list[str]:
        return [await self._guarded(delivery) for delivery in chain]

    async def _guarded(self, delivery: Delivery) -> str:
        async with self.slots:
            try:
                return await self._deliver(delivery)
            except ClaimLost:
                return "taken"
            except Exception:
                logger.exception("delivery failed unexpectedly delivery=%d target=%s", delivery.id, delivery.target)
                return "error"

    async def _deliver(self, delivery: Delivery) -> str:
        now = self.clock()
        attempt_id, raw = await asyncio.to_thread(self._claim, delivery, now)
        attempt = delivery.attempts + 1
        started = time.perf_counter()
        params, message = await self._message(delivery, raw)
        error: str | None = None
        permanent = False
        if params is None or message is None:
            error, permanent = "the target or handler is no longer configured", True
        else:
            error, permanent = await self._send(params, message)
        duration_ms = (time.perf_counter() - started) * 1000
        retries = params.retries if params is not None else 0
        if error is None:
            state = "sent"
        elif permanent or attempt > retries:
            state = "failed"
        else:
            state = "pending"
        backoff = (params.backoff if params is not None else 0.0) * 2 ** (attempt - 1)
        next_at = self.clock() + timedelta(seconds=backoff)
        await asyncio.to_thread(self._finish, delivery, attempt_id, attempt, state, error, duration_ms, next_at)
        if state == "sent":
            logger.info("notification sent target=%s handler=%s attempt=%d", delivery.target, delivery.handler_kind,
                        attempt)  # fmt: skip
        elif state == "pending":
            logger.warning(
                "notification failed, will retry target=%s handler=%s attempt=%d in=%s error=%s",
                delivery.target, delivery.handler_kind, attempt, format_duration(backoff), error,
            )  # fmt: skip
        else:
            logger.error("notification failed target=%s handler=%s attempts=%d error=%s", delivery.target,
                         delivery.handler_kind, attempt, error)  # fmt: skip
        return state

    async def _send(self, params: HandlerParams, message: Message) -> tuple[str | None, bool]:
        handler = HANDLERS[params.kind]()
        try:
            async with asyncio.timeout(params.timeout):
                await handler.send(params, message, self.handler_ctx)
        except DeliveryError as exc:
            return redact(exc.message), exc.permanent
        except TimeoutError:
            return f"timed out after {format_duration(params.timeout)}", False
        except Exception:
            logger.exception("internal error in handler kind=%s", params.kind)
            return f"internal error in handler {params.kind}, details in the log", False
        return None, False

    async def _message(
        self, delivery: Delivery, raw: list[tuple[str, Severity, Event]]
    ) -> tuple[HandlerParams | None, Message | None]:
        """The handler's params and the message: a report rendered by the source, else the group's events."""
        if delivery.target.startswith(REPORT_PREFIX):
            report = await asyncio.to_thread(self.reports, delivery.target) if self.reports is not None else None
            if report is None or not report[0]:
                return None, None
            to, message = report
            return EmailParams(kind="email", to=to), message
        params = self._params(delivery)
        if params is None:
            return None, None
        message_id = f"sitewarden-{delivery.group_id}-{delivery.handler_index}"
        target = self.targets[delivery.target]
        return params, build_message(self.environment, target, params, raw, self.processor_ctx, message_id)

    def _params(self, delivery: Delivery) -> HandlerParams | None:
        target = self.targets.get(delivery.target)
        if target is None or delivery.handler_index >= len(target.handlers):
            return None
        params: HandlerParams = target.handlers[delivery.handler_index]
        return params if params.kind == delivery.handler_kind else None

    def _read(self, query: Callable[[Any], Any]) -> Any:
        with self.database.transaction() as connection:
            return query(connection)

    def _claim(self, delivery: Delivery, now: datetime) -> tuple[int, list[tuple[str, Severity, Event]]]:
        with self.database.transaction() as connection:
            attempt_id = claim_delivery(connection, delivery, self.worker, now)
            return attempt_id, group_items(connection, delivery.group_id)

    def _finish(
        self,
        delivery: Delivery,
        attempt_id: int,
        attempt: int,
        state: str,
        error: str | None,
        duration_ms: float,
        next_at: datetime,
    ) -> None:
        now = self.clock()
        with self.database.transaction() as connection:
            finish_attempt(
                connection, delivery.id, attempt_id, state=state, error=error, duration_ms=duration_ms, now=now,
                next_at=next_at,
            )  # fmt: skip
            if state == "failed":
                insert_events(connection, [failure_event(delivery, error or "failed", attempt, now)])

    def _fail_stale(self, delivery: Delivery, error: str, now: datetime) -> None:
        with self.database.transaction() as connection:
            fail_stale(connection, delivery, error, now)
            insert_events(connection, [failure_event(delivery, error, delivery.attempts, now)])


def failure_event(delivery: Delivery, error: str, attempts: int, now: datetime) -> Event:
    """The `system` event for a notification that will not be delivered; never routed back to its own target."""
    return Event(
        type=EventType.SYSTEM,
        severity=Severity.ERROR,
        channel=f"system.notifications.{delivery.target}",
        message=f"notification to target {delivery.target} ({delivery.handler_kind}) failed after "
        f"{attempts} attempt{'s' if attempts != 1 else ''}: {error}",
        payload={
            "failed_target": delivery.target,
            "handler": delivery.handler_kind,
            "delivery_id": delivery.id,
            "attempts": attempts,
            "error": error,
        },
        created_at=now,
        dedupe_key=f"delivery-failed:{delivery.id}",
    )
