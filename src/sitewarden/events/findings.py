"""What a report is made of: a site's findings, each with what to do about it, worst first.

Kept apart from `reports.py` so that section providers in their own modules can build findings without importing
the report machinery that lists them in `SECTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sitewarden.results import Status


@dataclass(slots=True)
class Finding:
    """One thing to fix on a site: a failing check, an expiring certificate, an insecure or outdated component."""

    status: Status
    kind: str
    title: str
    detail: str = ""
    fix: str = ""
    advisories: list[str] = field(default_factory=list)
    """Advisory ids (with CVE/GHSA aliases) behind an insecure verdict, for the reader to look up."""


@dataclass(slots=True)
class SiteReport:
    """Everything a site's contacts should know, worst first."""

    name: str
    url: str
    groups: list[str]
    contacts: list[str]
    findings: list[Finding] = field(default_factory=list)
    checks: int = 0
    verdict: str | None = None
    """The worst inventory verdict (insecure … unknown); None when the site's inventory was never judged."""
    security: str | None = None
    """When insecure: the worst advisory severity (critical … low), or `unrated`."""
    catalog_as_of: datetime | None = None
    """When the catalogue the verdicts rest on was last imported."""

    @property
    def status(self) -> Status:
        worst = Status.OK
        for finding in self.findings:
            if finding.status.severity_rank > worst.severity_rank:
                worst = finding.status
        return worst

    def sort(self) -> None:
        self.findings.sort(key=lambda finding: (-finding.status.severity_rank, finding.kind, finding.title))
