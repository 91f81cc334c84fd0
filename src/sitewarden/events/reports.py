"""Client and admin reports from what is stored: problems, certificates, and inventory verdicts.

A section provider adds findings to a site's report (`SECTIONS`); the templates list `findings` with what to do,
so a new provider needs no template change. Verdicts come from `verdict_findings`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from sitewarden.config.kinds import certificate_kinds
from sitewarden.errors import NotFound, SitewardenError, StoreError
from sitewarden.events.findings import Finding, SiteReport
from sitewarden.events.handlers.email_handler import build_mail, send_mail
from sitewarden.events.message import Message, template_environment
from sitewarden.events.verdict_findings import security_totals, verdict_findings
from sitewarden.results import Status, utcnow
from sitewarden.store.database import Database
from sitewarden.store.notifications import ClaimLost, claim_report_run, last_report_run, lost_race
from sitewarden.store.results import recent_results
from sitewarden.store.states import state_rows

if TYPE_CHECKING:
    from sitewarden.config.models import Config

logger = logging.getLogger(__name__)


SectionProvider = Callable[[Connection, SiteReport, "Config"], None]


def check_findings(connection: Connection, report: SiteReport, config: Config) -> None:
    """Checks whose confirmed status is not ok, with their last summary."""
    for row in state_rows(connection, report.name):
        if row["site"] != report.name:
            continue
        report.checks += 1
        hard = row["hard_status"]
        if hard is None or Status(hard) is Status.OK:
            continue
        report.findings.append(Finding(Status(hard), "check", f"{row['check']} ({row['kind']})", row["last_summary"]))


def certificate_findings(connection: Connection, report: SiteReport, config: Config) -> None:
    """Certificates that expire within `reports.certificate_days`, from the certificate checks' `days_left` metric."""
    limit = config.reports.certificate_days
    kinds = certificate_kinds()
    for row in state_rows(connection, report.name):
        if row["site"] != report.name or row["kind"] not in kinds:
            continue
        latest = recent_results(connection, row["id"], 1)
        days = latest[0].result.metric("days_left") if latest else None
        if days is None or days > limit:
            continue
        status = Status.ERROR if days < 0 or days <= limit / 3 else Status.WARNING
        title = f"certificate of {row['check']} " + (
            f"expired {abs(days):.0f} days ago" if days < 0 else f"expires in {days:.0f} days"
        )
        report.findings.append(Finding(status, "certificate", title, fix="renew the certificate"))


SECTIONS: list[SectionProvider] = [check_findings, certificate_findings, verdict_findings]
"""Providers that fill a site's report, in the order they run."""


def collect(config: Config, database: Database, names: list[str] | None = None) -> list[SiteReport]:
    """Reports of the given sites (all when None, store-defined sites included), from the store."""
    from sitewarden.config.overlay import with_store_sites
    from sitewarden.store.sites import site_definitions_list

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


def render_client(config: Config, report: SiteReport, now: datetime) -> Message:
    return _render(config, "client", {"site": report, "now": now}, report.name)


def render_admin(config: Config, reports: list[SiteReport], now: datetime) -> Message:
    by_status: dict[str, list[SiteReport]] = {}
    for report in sorted(reports, key=lambda item: (-item.status.severity_rank, item.name)):
        if report.findings:
            by_status.setdefault(report.status.label, []).append(report)
    totals = {
        "sites": len(reports),
        "checks": sum(report.checks for report in reports),
        "with_problems": sum(1 for report in reports if report.findings),
        **{status.label: sum(1 for item in reports if item.findings and item.status is status) for status in Status},
        **security_totals(reports),
    }
    return _render(config, "admin", {"groups": by_status, "totals": totals, "now": now}, "admin")


def _render(config: Config, name: str, context: dict[str, Any], target: str) -> Message:
    environment = template_environment(config.notifications.templates)
    parts = {
        part: environment.get_template(f"reports/{name}.{part}.j2").render(context)
        for part in ("subject.txt", "text.txt", "html.html")
    }
    subject = " ".join(parts["subject.txt"].split())
    return Message(target=target, subject=subject, text=parts["text.txt"], html=parts["html.html"])


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
