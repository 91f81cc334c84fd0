"""Client and admin reports as use cases: collect them from the store, render, print or send; and their schedule."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sitewarden.app.sla_reports import build, choose_period, targets
from sitewarden.config.models import Config
from sitewarden.config.overlay import with_store_sites
from sitewarden.errors import DeliveryError, NotFound, SitewardenError, StoreError
from sitewarden.events.delivery import REPORT_PREFIX, ReportSource
from sitewarden.events.findings import SiteReport
from sitewarden.events.message import Attachment, Message
from sitewarden.events.notifier import Notifier
from sitewarden.events.reports import SECTIONS, render_admin, render_client, standalone_report
from sitewarden.results import utcnow
from sitewarden.store.database import Database, open_database
from sitewarden.store.notifications import ClaimLost, claim_report_run, last_report_run, lost_race, queue_report
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
    outgoing: dict[str, tuple[list[str], Message]] = {}
    for report in collect(config, database, names):
        if send and (not report.contacts or (config.reports.client.only_problems and not report.findings)):
            continue
        message = attach_files(config, database, render_client(config, report, now), report.name, now)
        outgoing[f"{REPORT_PREFIX}client:{report.name}"] = (list(report.contacts), message)
        messages.append(message)
    if send:
        _send(config, database, outgoing)
    return messages


def admin_report(config: Config, database: Database, *, send: bool) -> Message:
    """Render (and with `send`, mail to `reports.admin.to`) the fleet report."""
    reports = collect(config, database)
    with database.transaction() as connection:
        standalone = standalone_report(connection)
    message = render_admin(config, reports, utcnow(), standalone)
    if send:
        if not config.reports.admin.to:
            raise SitewardenError("reports.admin.to lists no recipient", hint="add addresses under reports.admin.to")
        _send(config, database, {f"{REPORT_PREFIX}admin": (list(config.reports.admin.to), message)})
    return message


def report_source(config: Config, database: Database) -> ReportSource:
    """Renders a queued report when the outbox sends it (again, on a retry), from what is stored then."""

    def render(target: str) -> tuple[list[str], Message] | None:
        kind, _, name = target.removeprefix(REPORT_PREFIX).partition(":")
        if kind == "admin":
            return list(config.reports.admin.to), render_admin(config, collect(config, database), utcnow())
        try:
            [report] = collect(config, database, [name])
        except NotFound:
            return None
        now = utcnow()
        return list(report.contacts), attach_files(config, database, render_client(config, report, now), name, now)

    return render


def attach_files(config: Config, database: Database, message: Message, site: str, now: datetime) -> Message:
    """Add the files `reports.client.attach` asks for; a site without SLA figures gets its report without them."""
    if "sla_pdf" not in config.reports.client.attach:
        return message
    period = choose_period(None, None, None, now)
    try:
        with database.transaction() as connection:
            report = build(
                connection, targets(config), period, group=None, site=site, now=now, maintenance=config.maintenance
            )
    except NotFound:
        logger.info("no SLA figures to attach site=%s", site)
        return message
    name = f"sla-{site}-{period[0]:%Y-%m}.pdf"
    from sitewarden.app.sla_pdf import render_pdf

    message.attachments.append(Attachment(name, "application/pdf", render_pdf(report)))
    return message


def _send(config: Config, database: Database, outgoing: dict[str, tuple[list[str], Message]]) -> None:
    """Queue each report in the delivery outbox and make the first attempt now; retries are the notifier's.

    The outbox records every attempt, retries with backoff and stores a `system` event when a report fails for good.
    """
    if config.smtp is None:
        raise SitewardenError("no smtp server is configured", hint="add an smtp: section to send reports")
    if not outgoing:
        return
    now = utcnow()
    with database.transaction() as connection:
        ids = [queue_report(connection, target, now) for target in outgoing]
    fallback = report_source(config, database)

    def source(target: str) -> tuple[list[str], Message] | None:
        return outgoing.get(target) or fallback(target)

    notifier = Notifier(config, database, reports=source)
    outcomes = asyncio.run(notifier.deliverer.deliver_now(ids))
    problems = [(state, error) for state, error in outcomes if state != "sent"]
    if problems:
        state, error = problems[0]
        retried = state == "pending"
        raise DeliveryError(
            f"{len(problems)} of {len(ids)} report{'s' if len(ids) != 1 else ''} not sent: {error}",
            permanent=not retried,
            hint="queued; the running daemon retries it" if retried else "see the system event on the events page",
        )


class ReportScheduler:
    """Queues the reports whose `every` has come, once per occurrence across workers and restarts."""

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
                except SitewardenError as exc:  # queued: the outbox retries it, and reports a final failure
                    logger.error("scheduled report not sent yet report=%s error=%s", name, exc)
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
