"""The notifier: a consumer of stored events beside the engine: route, remind, group, deliver.

Each step is one short transaction with a conditional claim, so several workers can run it and a restart at any
moment neither loses nor repeats a notification. It never raises into the engine: failures are logged and retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from sitewarden.errors import StoreError
from sitewarden.events.delivery import Deliverer, DeliveryStats, ReportSource
from sitewarden.events.handlers.base import HandlerContext
from sitewarden.events.maintenance import Suppressions
from sitewarden.events.message import template_environment
from sitewarden.events.processors.base import ProcessorContext, SiteDetails
from sitewarden.events.routing import Router
from sitewarden.events.settings import TargetConfig
from sitewarden.results import utcnow
from sitewarden.store.database import Database
from sitewarden.store.events import events_after
from sitewarden.store.notifications import (
    Alert,
    ClaimLost,
    NewNotification,
    advance_cursor,
    claim_group,
    insert_deliveries,
    insert_notifications,
    load_alerts,
    lost_race,
    next_attempt_at,
    open_alerts,
    pending_notifications,
    pending_targets,
    read_cursor,
    save_alert,
)
from sitewarden.transport.http import HttpClient

if TYPE_CHECKING:
    from sitewarden.config.models import Config

logger = logging.getLogger(__name__)
BATCH = 500
Sleep = Callable[[float], Awaitable[None]]


@dataclass(slots=True)
class StepStats:
    """What one pass of the notifier did."""

    routed: int = 0
    reminded: int = 0
    groups: int = 0
    delivery: DeliveryStats | None = None


class Notifier:
    """Routes stored events to targets and delivers them; `clock` and `sleep` come in so tests control time.

    `sites` gives the current effective config (the engine's, after each reload): store-defined sites and bulk
    group edits then route, suppress and enrich like the file's sites without a restart. Targets and settings stay
    those of `config`.
    """

    def __init__(
        self,
        config: Config,
        database: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        sleep: Sleep = asyncio.sleep,
        worker: str | None = None,
        http: HttpClient | None = None,
        deliver: bool = True,
        reports: ReportSource | None = None,
        sites: Callable[[], Config] | None = None,
    ) -> None:
        self.config = config
        self.database = database
        self.sites_source = sites
        self.clock = clock
        self.sleep = sleep
        self.deliver = deliver
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.targets: dict[str, TargetConfig] = {target.name: target for target in config.targets if target.enabled}
        self.sites_seen = sites() if sites is not None else config
        self.site_groups = _site_groups(self.sites_seen)
        self.router = Router(list(self.targets.values()), self.site_groups)
        self.deliverer = Deliverer(
            database,
            self.targets,
            template_environment(config.notifications.templates),
            ProcessorContext(_site_details(self.sites_seen)),
            HandlerContext(http=http or HttpClient(), smtp=config.smtp),
            worker=self.worker,
            clock=clock,
            reports=reports,
        )

    def refresh_sites(self) -> None:
        """Take the sites of the current effective config when it changed (a reload), for the next routing pass."""
        if self.sites_source is None:
            return
        current = self.sites_source()
        if current is self.sites_seen:
            return
        self.sites_seen = current
        self.site_groups = _site_groups(current)
        self.router.site_groups = self.site_groups
        self.deliverer.processor_ctx.sites = _site_details(current)

    def suppressions(self, connection: Connection) -> Suppressions:
        """Config windows and silences, plus the windows set from the dashboard, read through this connection."""
        from sitewarden.store.maintenance import in_maintenance

        return Suppressions(
            self.config.maintenance,
            self.config.silences,
            self.site_groups,
            stored=lambda site, at: in_maintenance(connection, site, at),
        )

    async def step(self, *, force: bool = False) -> StepStats:
        """One pass: route new events, queue reminders, close due groups (all, when `force`), send what is due."""
        stats = StepStats()
        self.refresh_sites()
        stats.routed = await asyncio.to_thread(self.route_new)
        stats.reminded = await asyncio.to_thread(self.remind)
        stats.groups = await asyncio.to_thread(self.close_groups, force)
        await self.deliverer.sweep_stale()
        stats.delivery = await self.deliverer.deliver_due()
        return stats

    async def flush(self, max_wait: float = 600.0) -> None:
        """Deliver every pending notification, groups and retries included (`run --once` before it exits)."""
        await self.step(force=True)
        deadline = self.clock() + timedelta(seconds=max_wait)
        while True:
            upcoming = await asyncio.to_thread(self._read_next_attempt)
            if upcoming is None:
                return
            now = self.clock()
            if upcoming > deadline:
                logger.warning("notifications left for the next run: retries are due after the flush limit")
                return
            if upcoming > now:
                await self.sleep((upcoming - now).total_seconds())
            await self.deliverer.deliver_due()

    async def run_forever(self, stop: asyncio.Event, extra: Callable[[], Awaitable[object]] | None = None) -> None:
        """Run a pass every poll interval until `stop`; then a last pass so due messages go out before exit."""
        interval = self.config.notifications.poll_interval
        logger.info("notifier started targets=%d worker=%s", len(self.targets), self.worker)
        while not stop.is_set():
            await self._safe_step(extra)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
        await self._safe_step(None)
        logger.info("notifier stopped")

    async def _safe_step(self, extra: Callable[[], Awaitable[object]] | None) -> None:
        try:
            await self.step()
            if extra is not None:
                await extra()
        except StoreError as exc:
            logger.error("notifier cannot reach the store error=%s", exc)
        except Exception:
            logger.exception("notifier pass failed")

    def route_new(self) -> int:
        """Route every event after the cursor, batch by batch; each batch and its cursor move in one transaction."""
        routed = 0
        while True:
            now = self.clock()
            try:
                with self.database.transaction() as connection:
                    cursor = read_cursor(connection)
                    batch = events_after(connection, cursor, BATCH)
                    if not batch:
                        return routed
                    names = list(self.targets)
                    alerts = load_alerts(connection, names, {event.channel for event in batch})
                    outcome = self.router.route(batch, alerts, now, self.suppressions(connection), deliver=self.deliver)
                    for alert in outcome.alerts.values():
                        save_alert(connection, alert)
                    insert_notifications(connection, outcome.notifications, now)
                    assert batch[-1].id is not None
                    advance_cursor(connection, cursor, batch[-1].id, now)
            except ClaimLost:
                return routed  # another worker routes these events
            except StoreError as exc:
                if lost_race(exc):
                    return routed
                raise
            routed += len(batch)

    def remind(self) -> int:
        """Reminders of lasting problems, and problems held back by a window that has ended ('resumed')."""
        queued = 0
        for target in self.targets.values():
            now = self.clock()
            try:
                with self.database.transaction() as connection:
                    suppressions = self.suppressions(connection)
                    rows = []
                    for alert in open_alerts(connection, target.name):
                        notice = _notice(alert, target, now)
                        if notice is None or suppressions.reason(alert.site, alert.channel, now) is not None:
                            continue
                        alert.reminders += 1
                        alert.notified, alert.last_notified_at = True, now
                        save_alert(connection, alert)
                        rows.append(_reminder(alert, target, notice, now, self.deliver))
                    queued += insert_notifications(connection, rows, now)
            except ClaimLost:
                continue
            except StoreError as exc:
                if not lost_race(exc):
                    raise
        return queued

    def close_groups(self, force: bool = False) -> int:
        """Turn due waiting notifications into groups and one delivery per handler that takes any of them."""
        made = 0
        with self.database.transaction() as connection:
            names = pending_targets(connection, None if force else self.clock())
        for name in names:
            now = self.clock()
            try:
                with self.database.transaction() as connection:
                    waiting = pending_notifications(connection, name)
                    target = self.targets.get(name)
                    batches = [waiting] if target is None or target.group_wait is not None else [[w] for w in waiting]
                    for rows in batches:
                        group_id = claim_group(connection, name, [row_id for row_id, _ in rows], now)
                        handlers = []
                        if target is not None:
                            handlers = [
                                (index, handler.kind)
                                for index, handler in enumerate(target.handlers)
                                if any(level >= handler.min_severity for _, level in rows)
                            ]
                        insert_deliveries(connection, group_id, name, handlers, now)
                        made += 1
            except ClaimLost:
                continue
            except StoreError as exc:
                if not lost_race(exc):
                    raise
        return made

    def _read_next_attempt(self) -> datetime | None:
        with self.database.transaction() as connection:
            return next_attempt_at(connection)


def _site_groups(config: Config) -> dict[str, tuple[str, ...]]:
    return {site.name: tuple(site.groups) for site in config.sites}


def _site_details(config: Config) -> dict[str, SiteDetails]:
    return {
        site.name: SiteDetails(site.name, site.url, tuple(site.groups), tuple(site.contacts)) for site in config.sites
    }


def _notice(alert: Alert, target: TargetConfig, now: datetime) -> str | None:
    if not alert.notified:
        return "resumed"
    if target.remind_every is None or alert.last_notified_at is None:
        return None
    if now - alert.last_notified_at >= timedelta(seconds=target.remind_every):
        return "reminder"
    return None


def _reminder(alert: Alert, target: TargetConfig, notice: str, now: datetime, deliver: bool) -> NewNotification:
    return NewNotification(
        dedupe=f"{target.name}:{alert.event_id}:{notice}:{alert.reminders}",
        target=target.name,
        event_id=alert.event_id,
        notice=notice,
        channel=alert.channel,
        severity=alert.severity,
        state="pending" if deliver else "skipped",
        due_at=now + timedelta(seconds=target.group_wait or 0.0),
    )


async def flush_notifications(
    config: Config, database: Database, *, deliver: bool = True, reports: ReportSource | None = None
) -> None:
    """After a one-shot run: route every new event and deliver it, groups included; `deliver=False` skips sending."""
    if not config.notifications.enabled:
        return
    notifier = Notifier(config, database, deliver=deliver, reports=reports)
    try:
        await notifier.flush()
    except StoreError as exc:
        logger.error("notifications not delivered: the store failed error=%s", exc)


async def run_notifier(
    config: Config,
    database: Database,
    stop: asyncio.Event,
    extra: Callable[[], Awaitable[object]] | None = None,
    reports: ReportSource | None = None,
    sites: Callable[[], Config] | None = None,
) -> None:
    """The daemon's notifier task: notifications, `extra` (the report schedule) and report deliveries, until `stop`.

    `sites` is read before each pass, so sites and groups changed by an engine reload route without a restart.
    """
    if not config.notifications.enabled:
        return
    notifier = Notifier(config, database, reports=reports, sites=sites)
    await notifier.run_forever(stop, extra)
