"""Accepted findings: an admin's decision to live with a verdict or an advisory for a while, and what it covers.

A leaf shared by the store (which keeps the rows), the use cases (which decide what a row covers) and the views.
An acceptance is in force through its `until` day (UTC) unless revoked; after that the finding counts again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sitewarden.verdict import Verdict, worst_verdict

NOTHING_TO_ACCEPT = frozenset({Verdict.UP_TO_DATE.value, Verdict.UNKNOWN.value})
"""Verdicts that are not findings: there is nothing to live with."""
ACCEPTED_AS = Verdict.UP_TO_DATE.value
"""How an accepted item ranks in a site's worst verdict, in Python and in SQL alike."""
ACCEPTABLE: tuple[str, ...] = tuple(verdict.value for verdict in Verdict if verdict.value not in NOTHING_TO_ACCEPT)


@dataclass(frozen=True, slots=True)
class AcceptedFinding:
    """Who accepted which finding of a site's item (a verdict, or one advisory), why, and until which day."""

    id: int
    site: str
    product: str
    reason: str
    until: date
    accepted_by: str
    accepted_at: datetime
    advisory: str | None = None
    verdict: str | None = None
    revoked_by: str | None = None
    revoked_at: datetime | None = None
    expired_at: datetime | None = None

    def in_force(self, today: date) -> bool:
        """Not revoked, and `today` is not past its last day."""
        return self.revoked_at is None and today <= self.until

    def state(self, today: date) -> str:
        """`accepted` while in force, else `revoked` or `expired`."""
        if self.revoked_at is not None:
            return "revoked"
        return "accepted" if today <= self.until else "expired"

    @property
    def subject(self) -> str:
        """What was accepted, in words: `advisory X`, `verdict insecure` or `any verdict`."""
        if self.advisory:
            return f"advisory {self.advisory}"
        return f"verdict {self.verdict}" if self.verdict else "any verdict"

    def as_dict(self, today: date) -> dict[str, Any]:
        return {
            "id": self.id,
            "site": self.site,
            "product": self.product,
            "advisory": self.advisory,
            "verdict": self.verdict,
            "reason": self.reason,
            "until": self.until.isoformat(),
            "state": self.state(today),
            "accepted_by": self.accepted_by,
            "accepted_at": self.accepted_at.isoformat(),
            "revoked_by": self.revoked_by,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def names_item(finding: AcceptedFinding, row: Mapping[str, Any]) -> bool:
    """The acceptance names this stored verdict's item: by catalogue product (`ter:news`) or by key (`news`)."""
    return finding.site == row["site"] and finding.product in (row["product"], row["item_key"])


def covering(findings: Iterable[AcceptedFinding], row: Mapping[str, Any], today: date) -> AcceptedFinding | None:
    """The acceptance in force that covers a stored verdict, or None; the longest lasting one when several do.

    A verdict acceptance covers the item while its verdict is still the accepted one (a new, worse verdict comes
    back). Advisory acceptances cover an insecure item only when every advisory it names is accepted, and then
    only until the first of them ends: a new advisory is a new finding.
    """
    verdict = row["verdict"]
    if verdict in NOTHING_TO_ACCEPT:
        return None
    relevant = [f for f in findings if f.in_force(today) and names_item(f, row)]
    whole = [f for f in relevant if f.advisory is None and f.verdict in (None, verdict)]
    if whole:
        return max(whole, key=lambda finding: (finding.until, finding.id))
    ids = [str(advisory.get("id")) for advisory in row.get("advisories") or [] if advisory.get("id")]
    if verdict != Verdict.INSECURE.value or not ids:
        return None
    by_advisory: dict[str, AcceptedFinding] = {}
    for finding in relevant:
        if finding.advisory is not None:
            best = by_advisory.get(finding.advisory)
            if best is None or finding.until > best.until:
                by_advisory[finding.advisory] = finding
    if not all(ident in by_advisory for ident in ids):
        return None
    return min((by_advisory[ident] for ident in ids), key=lambda finding: (finding.until, finding.id))


def utc_today() -> date:
    """The day acceptances are measured against: UTC, whatever the server's zone."""
    return datetime.now(UTC).date()


def is_accepted(row: Mapping[str, Any], today: date | None = None) -> bool:
    """A stored verdict whose acceptance (recorded on the row) is in force today: it does not count."""
    until = row.get("accepted_until")
    return isinstance(until, date) and (today or utc_today()) <= until


def counted(rows: Iterable[Mapping[str, Any]], today: date | None = None) -> list[Any]:
    """The stored verdicts that count toward a site's worst verdict, totals and alerts: those not accepted."""
    day = today or utc_today()
    return [row for row in rows if not is_accepted(row, day)]


def site_worst(rows: Iterable[Mapping[str, Any]]) -> str | None:
    """A site's worst verdict; an item whose finding is accepted counts as `up_to_date` (as in the SQL filters)."""
    today = utc_today()
    return worst_verdict(ACCEPTED_AS if is_accepted(row, today) else row["verdict"] for row in rows)
