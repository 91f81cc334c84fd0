"""Client and admin reports as use cases: collect them from the store, render, print or send; and their schedule."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sitewarden.config.models import Config
from sitewarden.config.overlay import with_store_sites
from sitewarden.errors import NotFound, SitewardenError, StoreError
from sitewarden.events.findings import SiteReport
from sitewarden.events.handlers.email_handler import build_mail, send_mail
from sitewarden.events.message import Message
from sitewarden.events.reports import SECTIONS, render_admin, render_client
from sitewarden.results import utcnow
from sitewarden.store.database import Database, open_database
from sitewarden.store.notifications import ClaimLost, claim_report_run, last_report_run, lost_race
from sitewarden.store.sites import site_definitions_list

logger = logging.getLogger(__name__)


def collect(config: Config, database: Database, names: list[str] | None = None) -> list[SiteReport]:
    """Reports of the given sites (all when None, store-defined sites included), from the store."""
    with database.transaction() as connection:
        config = with_store_sites(config, site_definitions_list(connection))
    sites = {site.name: site for site in config.sites}
    if names:
        missing = [name for name in names if name not in sites]
        if missing:
            raise NotFound(f"no site named '{missing[0]}'", hint="site names are listed by `sitewarden status`")
    chosen = [sites[name] for name in names] if names else list(sites.values())
    reports = []
    with database.transaction() as connection:
        for site in chosen:
            report = SiteReport(site.name, site.url, list(site.groups), list(site.contacts))
            for provider in SECTIONS:
                provider(connection, report, config)
            report.sort()
            reports.append(report)
    return reports


def client_report(config: Config, database: Database, names: list[str] | None, *, send: bool) -> list[Message]:
    """Render (and with `send`, mail to each site's contacts) the client reports; sites without contacts are skipped."""
    now = utcnow()
    messages = []
    for report in collect(config, database, names):
        if send and (not report.contacts or (config.reports.client.only_problems and not report.findings)):
            continue
        message = render_client(config, report, now)
        if send:
            _mail(config, report.contacts, message)
        messages.append(message)
    return messages


def admin_report(config: Config, database: Database, *, send: bool) -> Message:
    """Render (and with `send`, mail to `reports.admin.to`) the fleet report."""
    message = render_admin(config, collect(config, database), utcnow())
    if send:
        if not config.reports.admin.to:
            raise SitewardenError("reports.admin.to lists no recipient", hint="add addresses under reports.admin.to")
        _mail(config, config.reports.admin.to, message)
    return message


def _mail(config: Config, to: list[str], message: Message) -> None:
    if config.smtp is None:
        raise SitewardenError("no smtp server is configured", hint="add an smtp: section to send reports")
    import socket

    send_mail(config.smtp, build_mail(config.smtp, to, [], message, socket.gethostname()))


class ReportScheduler:
    """Sends the reports whose `every` has come, once per occurrence across workers and restarts."""

    def __init__(self, config: Config, database: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.config = config
        self.database = database
        self.clock = clock

    async def send_due(self) -> list[str]:
        sent = []
        reports = self.config.reports
        for name, schedule in (("client", reports.client), ("admin", reports.admin)):
            if schedule.every is None or self.config.smtp is None:
                continue
            recurrence = schedule.every.with_zone(schedule.timezone)
            if await asyncio.to_thread(self._claim, name, recurrence.last_start(self.clock())):
                try:
                    if name == "client":
                        await asyncio.to_thread(client_report, self.config, self.database, None, send=True)
                    else:
                        await asyncio.to_thread(admin_report, self.config, self.database, send=True)
                    sent.append(name)
                except SitewardenError as exc:
                    logger.error("scheduled report not sent report=%s error=%s", name, exc)
        return sent

    def _claim(self, name: str, occurrence: datetime | None) -> bool:
        """Claim the latest occurrence if no run is recorded at or after it; the first ever run only records."""
        if occurrence is None:
            return False
        try:
            with self.database.transaction() as connection:
                previous = last_report_run(connection, f"report:{name}")
                if previous is not None and previous >= occurrence:
                    return False
                claim_report_run(connection, f"report:{name}", previous, self.clock())
        except ClaimLost:
            return False
        except StoreError as exc:
            if lost_race(exc):
                return False
            raise
        return previous is not None


def report_command(config: Config, kind: str, names: list[str] | None, *, send: bool) -> list[Message]:
    """`sitewarden report client|admin`: open the store, render, and send when asked."""
    database = open_database(config.store.url)
    try:
        if kind == "admin":
            return [admin_report(config, database, send=send)]
        return client_report(config, database, names, send=send)
    finally:
        database.close()
