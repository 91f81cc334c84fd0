"""Client and admin reports: the section providers that fill a site's report from the store, and the rendering.

A section provider adds findings to a site's report (`SECTIONS`); the templates list `findings` with what to do,
so a new provider needs no template change. Verdicts come from `verdict_findings`. Collecting and sending are use
cases in app/reports.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from sitewarden.config.kinds import certificate_kinds, domain_kinds
from sitewarden.events.findings import Finding, SiteReport
from sitewarden.events.message import Message, template_environment
from sitewarden.events.verdict_findings import security_totals, verdict_findings
from sitewarden.results import Status
from sitewarden.store.results import recent_results
from sitewarden.store.states import state_rows

if TYPE_CHECKING:
    from sitewarden.config.models import Config

logger = logging.getLogger(__name__)


SectionProvider = Callable[[Connection, SiteReport, "Config"], None]


STANDALONE = "checks outside a site"
"""The admin report's name for the checks that belong to no site (a backup heartbeat, an API check)."""


def check_findings(connection: Connection, report: SiteReport, config: Config) -> None:
    """Checks whose confirmed status is not ok, with their last summary."""
    for row in state_rows(connection, report.name):
        if row["site"] == report.name:
            _add_check(report, row)


def standalone_report(connection: Connection) -> SiteReport:
    """The checks of no site, so a failing `backup` heartbeat is in the fleet report and its check count."""
    report = SiteReport(STANDALONE, "", [], [])
    for row in state_rows(connection):
        if row["site"] is None:
            _add_check(report, row)
    report.sort()
    return report


def _add_check(report: SiteReport, row: dict[str, Any]) -> None:
    report.checks += 1
    hard = row["hard_status"]
    if hard is not None and Status(hard) is not Status.OK:
        report.findings.append(Finding(Status(hard), "check", f"{row['check']} ({row['kind']})", row["last_summary"]))


def certificate_findings(connection: Connection, report: SiteReport, config: Config) -> None:
    """Certificates that expire within `reports.certificate_days`, from the certificate checks' `days_left` metric."""
    for row, days, when in _expiring(connection, report, config, certificate_kinds()):
        title = f"certificate of {row['check']} {when}"
        report.findings.append(Finding(_expiry_status(days, config), "certificate", title, fix="renew the certificate"))


def domain_findings(connection: Connection, report: SiteReport, config: Config) -> None:
    """Domain registrations that expire within `reports.certificate_days`, from the domain checks' `days_left`."""
    for row, days, when in _expiring(connection, report, config, domain_kinds()):
        title = f"domain registration ({row['check']}) {when}"
        report.findings.append(Finding(_expiry_status(days, config), "domain", title, fix="renew the domain"))


def _expiring(
    connection: Connection, report: SiteReport, config: Config, kinds: Collection[str]
) -> Iterator[tuple[dict[str, Any], float, str]]:
    """(state row, days left, "expires in N days" / "expired N days ago") of the site's checks of `kinds` due soon."""
    limit = config.reports.certificate_days
    for row in state_rows(connection, report.name):
        if row["site"] != report.name or row["kind"] not in kinds:
            continue
        latest = recent_results(connection, row["id"], 1)
        days = latest[0].result.metric("days_left") if latest else None
        if days is None or days > limit:
            continue
        yield row, days, (f"expired {abs(days):.0f} days ago" if days < 0 else f"expires in {days:.0f} days")


def _expiry_status(days: float, config: Config) -> Status:
    """Error once expired or within a third of the warning window, else warning."""
    return Status.ERROR if days < 0 or days <= config.reports.certificate_days / 3 else Status.WARNING


SECTIONS: list[SectionProvider] = [check_findings, certificate_findings, domain_findings, verdict_findings]
"""Providers that fill a site's report, in the order they run."""


def render_client(config: Config, report: SiteReport, now: datetime) -> Message:
    return _render(config, "client", {"site": report, "now": now}, report.name)


def render_admin(
    config: Config, reports: list[SiteReport], now: datetime, standalone: SiteReport | None = None
) -> Message:
    """The fleet report; `standalone` (checks of no site) is listed and counted in checks, but is not a site."""
    listed = [*reports, standalone] if standalone is not None and standalone.checks else reports
    by_status: dict[str, list[SiteReport]] = {}
    for report in sorted(listed, key=lambda item: (-item.status.severity_rank, item.name)):
        if report.findings:
            by_status.setdefault(report.status.label, []).append(report)
    totals = {
        "sites": len(reports),
        "checks": sum(report.checks for report in listed),
        "with_problems": sum(1 for report in reports if report.status is not Status.OK),  # accepted ones are ok
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
