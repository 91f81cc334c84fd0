"""Stored verdicts summed up per site: the worst verdict and what to update to, for status, inventory and reports.

Pure functions over `store.assessments.assessment_rows`, so the CLI, the reports and the web read one meaning of
"worst" and "update to" instead of each ranking verdicts their own way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sitewarden.acceptance import counted, site_worst
from sitewarden.catalog.records import SEVERITIES
from sitewarden.verdict import OUTDATED, VERDICT_RANKS

RANK = VERDICT_RANKS
UNRATED = "unrated"
"""Severity bucket of an insecure site whose advisories carry no grade (or an insecure mark without advisory)."""


@dataclass(slots=True)
class SiteVerdict:
    """One site's worst verdict, how many items carry it, and the worst advisory severity when insecure."""

    site: str
    verdict: str
    items: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    advisories: list[str] = field(default_factory=list)
    severity: str | None = None
    accepted: int = 0
    """Items whose finding an admin accepted: shown, but not counted in the verdict, counts or advisories."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "verdict": self.verdict,
            "items": self.items,
            "counts": dict(self.counts),
            "advisories": list(self.advisories),
            "severity": self.severity,
            "accepted": self.accepted,
        }


def update_to(row: dict[str, Any]) -> str | None:
    """What to update an item to: the smallest fixing version when insecure, else the latest when outdated."""
    if row["verdict"] == "insecure":
        return row.get("fixed_version") or row.get("branch_latest") or row.get("latest")
    if row["verdict"] == "outdated":
        return row.get("branch_latest") or row.get("latest")
    if row["verdict"] in OUTDATED:
        return row.get("latest")
    return None


def advisory_ids(row: dict[str, Any], *, aliases: bool = False) -> list[str]:
    """The ids of the advisories stored with a verdict, optionally with their aliases (CVE, GHSA) in brackets."""
    ids = []
    for advisory in row.get("advisories") or []:
        text = str(advisory.get("id") or "")
        if aliases and advisory.get("aliases"):
            text += f" ({', '.join(advisory['aliases'])})"
        if text:
            ids.append(text)
    return ids


def advisory_severity(row: dict[str, Any]) -> str | None:
    """The worst graded severity among a verdict's advisories."""
    ranks = [SEVERITIES.index(a["severity"]) for a in row.get("advisories") or [] if a.get("severity") in SEVERITIES]
    return SEVERITIES[max(ranks)] if ranks else None


def site_verdicts(rows: Iterable[dict[str, Any]]) -> dict[str, SiteVerdict]:
    """One summary per site that has stored verdicts, keyed and ordered by site name; accepted items do not count."""
    by_site: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_site.setdefault(row["site"], []).append(row)
    summaries = {}
    for site in sorted(by_site):
        every = by_site[site]
        own = counted(every)
        verdict = site_worst(every) or "unknown"
        counts: dict[str, int] = {}
        for row in own:
            counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
        insecure = [row for row in own if row["verdict"] == "insecure"]
        ids = list(dict.fromkeys(ident for row in insecure for ident in advisory_ids(row)))
        severities = [found for row in insecure if (found := advisory_severity(row)) is not None]
        severity = max(severities, key=SEVERITIES.index) if severities else (UNRATED if insecure else None)
        accepted = len(every) - len(own)
        summaries[site] = SiteVerdict(site, verdict, counts.get(verdict, 0), counts, ids, severity, accepted)
    return summaries
