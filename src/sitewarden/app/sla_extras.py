"""What a customer's SLA page shows beside availability: certificate and domain expiry, open security findings."""

from __future__ import annotations

from dataclasses import dataclass

from sitewarden.app.database import Session
from sitewarden.app.sla import SlaReport
from sitewarden.config.kinds import certificate_kinds, domain_kinds
from sitewarden.config.models import Config
from sitewarden.events.findings import SiteReport
from sitewarden.events.verdict_findings import verdict_findings
from sitewarden.store.results import recent_results
from sitewarden.store.states import state_rows


@dataclass(frozen=True, slots=True)
class Expiry:
    """Days until a certificate or a domain registration runs out, from its check's latest result."""

    check: str
    kind: str
    days_left: float | None
    summary: str


@dataclass(frozen=True, slots=True)
class SecurityFinding:
    """An open insecure item of a site, with the version that fixes it."""

    title: str
    fix: str
    advisories: list[str]


def add_extras(connection: Session, report: SlaReport) -> None:
    """Fill each site's expiries and open security findings (for the PDF and JSON pages)."""
    kinds = set(certificate_kinds()) | set(domain_kinds())
    for site in report.sites:
        expiries = []
        for row in state_rows(connection, site.name):
            if row["site"] != site.name or row["kind"] not in kinds:
                continue
            latest = recent_results(connection, row["id"], 1)
            days = latest[0].result.metric("days_left") if latest else None
            expiries.append(Expiry(row["check"], row["kind"], days, row["last_summary"] or ""))
        site.expiries = expiries
        holder = SiteReport(site.name, "", list(site.groups), [])
        verdict_findings(connection, holder, Config())
        site.security = [
            SecurityFinding(finding.title, finding.fix, list(finding.advisories))
            for finding in holder.findings
            if finding.kind == "security"
        ]
