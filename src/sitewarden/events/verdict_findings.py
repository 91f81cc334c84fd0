"""The reports' software section: insecure and outdated core, extensions, PHP and database, with what to update to.

Reads the verdicts the assessment stored (`store.assessments`) and the catalogue's import dates (`store.catalog`),
so a report says what to update to and how fresh the knowledge behind it is, without judging anything itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from sitewarden.acceptance import AcceptedFinding, is_accepted, utc_today
from sitewarden.catalog.records import SEVERITIES
from sitewarden.catalog.summary import UNRATED, advisory_ids, site_verdicts, update_to
from sitewarden.events.findings import Finding, SiteReport
from sitewarden.results import Status
from sitewarden.store.acceptances import acceptances
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.catalog import fetch_rows
from sitewarden.verdict import OUTDATED

if TYPE_CHECKING:
    from sitewarden.config.models import Config

NAMES = {
    "typo3": "TYPO3",
    "wordpress": "WordPress",
    "drupal": "Drupal",
    "joomla": "Joomla",
    "mysql": "MySQL",
    "mariadb": "MariaDB",
    "postgresql": "PostgreSQL",
    "php": "PHP",
}
SEVERITY_BUCKETS = (*reversed(SEVERITIES), UNRATED)
"""Insecure sites are counted by their worst advisory severity, most severe first."""


def verdict_findings(connection: Connection, report: SiteReport, config: Config) -> None:
    """A finding per insecure or outdated item of the site; the site's worst verdict for the admin totals."""
    rows = assessment_rows(connection, report.name)
    summary = site_verdicts(rows).get(report.name)
    if summary is None:
        return
    report.verdict = summary.verdict
    report.security = summary.severity
    imported = [row["fetched_at"] for row in fetch_rows(connection) if row.get("fetched_at") is not None]
    report.catalog_as_of = max(imported) if imported else None
    today = utc_today()
    accepted = {finding.id: finding for finding in acceptances(connection, report.name, current_on=today)}
    for row in rows:
        if row["verdict"] != "insecure" and row["verdict"] not in OUTDATED:
            continue
        finding = accepted.get(row["accepted_id"]) if is_accepted(row, today) else None
        report.findings.append(_finding(row) if finding is None else _accepted(row, finding))


def _accepted(row: dict[str, Any], finding: AcceptedFinding) -> Finding:
    """An accepted finding is reported, with who accepted it, why and until when, but asks for nothing."""
    label = f"{_label(row['item_kind'], row['item_key'])} {row['version'] or ''}".rstrip()
    until = finding.until.isoformat()
    return Finding(
        Status.OK,
        "accepted",
        f"{label} is {row['verdict']}: accepted by {finding.accepted_by} until {until}",
        detail=finding.reason,
        fix=f"review before {until}",
        advisories=advisory_ids(row, aliases=True),
    )


def _finding(row: dict[str, Any]) -> Finding:
    verdict = row["verdict"]
    label = f"{_label(row['item_kind'], row['item_key'])} {row['version'] or ''}".rstrip()
    target = update_to(row)
    notes = _notes(row)
    if verdict == "insecure":
        titles = "; ".join(
            str(advisory.get("title")) for advisory in row.get("advisories") or [] if advisory.get("title")
        )
        where = " (an upgrade to a later branch)" if row.get("fix_upgrade") else ""
        return Finding(
            Status.ERROR,
            "security",
            f"{label} is insecure",
            detail=_joined(titles or row["summary"], notes),
            fix=f"update to {target} or later{where}" if target else "update or remove it: no fixed version is known",
            advisories=advisory_ids(row, aliases=True),
        )
    if verdict == "eol":
        fix = f"move to a supported version (latest {target})" if target else "move to a supported version"
        return Finding(Status.WARNING, "update", f"{label} reached end of life", _joined(row["summary"], notes), fix)
    return Finding(Status.WARNING, "update", f"{label} is outdated in its branch", notes, f"update to {target}")


def _notes(row: dict[str, Any]) -> str:
    """Branch and support state, the upgrade hint (never part of the verdict) and the fingerprint caveat."""
    notes = []
    if row.get("branch"):
        notes.append(f"branch {row['branch']}" + (f" ({row['support']})" if row.get("support") else ""))
    if row.get("upgrade") in ("major", "minor"):
        notes.append(
            f"a {row['upgrade']} upgrade is available" + (f" (latest {row['latest']})" if row.get("latest") else "")
        )
    if row.get("caveat"):
        notes.append(str(row["caveat"]))
    return "; ".join(notes)


def _joined(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def _label(kind: str, key: str) -> str:
    if kind == "core":
        return f"{NAMES.get(key, key)} core"
    if kind in ("php", "database"):
        return NAMES.get(key, key)
    return f"{kind} {key}"


def security_totals(reports: list[SiteReport]) -> dict[str, Any]:
    """Fleet totals for the admin report: insecure sites per advisory severity, outdated sites per verdict."""
    judged = [report for report in reports if report.verdict is not None]
    by_severity = {
        name: sum(1 for r in judged if r.verdict == "insecure" and r.security == name) for name in SEVERITY_BUCKETS
    }
    by_verdict = {name: sum(1 for r in judged if r.verdict == name) for name in OUTDATED}
    dates = [report.catalog_as_of for report in judged if report.catalog_as_of is not None]
    return {
        "judged": len(judged),
        "insecure": sum(by_severity.values()),
        "insecure_by_severity": by_severity,
        "outdated": sum(by_verdict.values()),
        "outdated_by_verdict": by_verdict,
        "catalog_as_of": max(dates) if dates else None,
    }
