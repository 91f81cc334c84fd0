"""Accepted findings: the rows an admin adds, revokes, and the expiry sweep marks; and their marks on verdicts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from sitewarden.acceptance import AcceptedFinding
from sitewarden.store.tables import accepted_findings, assessments

FIELDS = tuple(column.name for column in accepted_findings.columns)


def _finding(row: Any) -> AcceptedFinding:
    return AcceptedFinding(**{name: getattr(row, name) for name in FIELDS})


def add_acceptance(
    connection: Connection,
    *,
    site: str,
    product: str,
    advisory: str | None,
    verdict: str | None,
    reason: str,
    until: date,
    accepted_by: str,
    now: datetime,
) -> AcceptedFinding:
    """Store a new acceptance and return it with its id."""
    values = {
        "site": site,
        "product": product,
        "advisory": advisory,
        "verdict": verdict,
        "reason": reason,
        "until": until,
        "accepted_by": accepted_by,
        "accepted_at": now,
    }
    key = connection.execute(accepted_findings.insert().values(**values)).inserted_primary_key
    assert key is not None
    return AcceptedFinding(id=int(key[0]), **values)  # type: ignore[arg-type]


def acceptance(connection: Connection, finding_id: int) -> AcceptedFinding | None:
    row = connection.execute(select(accepted_findings).where(accepted_findings.c.id == finding_id)).first()
    return None if row is None else _finding(row)


def acceptances(
    connection: Connection, site: str | None = None, *, current_on: date | None = None
) -> list[AcceptedFinding]:
    """Acceptances of one site or all, newest first; with `current_on`, only those in force on that day."""
    query = select(accepted_findings).order_by(accepted_findings.c.id.desc())
    if site is not None:
        query = query.where(accepted_findings.c.site == site)
    if current_on is not None:
        query = query.where(accepted_findings.c.revoked_at.is_(None), accepted_findings.c.until >= current_on)
    return [_finding(row) for row in connection.execute(query)]


def revoke_acceptance(connection: Connection, finding_id: int, by: str, now: datetime) -> bool:
    """Revoke an acceptance not revoked yet; False when there is none (or someone revoked it first)."""
    outcome = connection.execute(
        update(accepted_findings)
        .where(accepted_findings.c.id == finding_id, accepted_findings.c.revoked_at.is_(None))
        .values(revoked_by=by, revoked_at=now)
    )
    return outcome.rowcount == 1


def due_expiries(connection: Connection, today: date) -> list[AcceptedFinding]:
    """Acceptances past their last day whose expiry has not been told yet (revoked ones were told when revoked)."""
    query = (
        select(accepted_findings)
        .where(
            accepted_findings.c.until < today,
            accepted_findings.c.revoked_at.is_(None),
            accepted_findings.c.expired_at.is_(None),
        )
        .order_by(accepted_findings.c.id)
    )
    return [_finding(row) for row in connection.execute(query)]


def claim_expiry(connection: Connection, finding_id: int, now: datetime) -> bool:
    """Mark an expiry as told; a conditional update, so two processes never both tell it."""
    outcome = connection.execute(
        update(accepted_findings)
        .where(accepted_findings.c.id == finding_id, accepted_findings.c.expired_at.is_(None))
        .values(expired_at=now)
    )
    return outcome.rowcount == 1


def mark_accepted(connection: Connection, site: str, marks: dict[int, tuple[int, date] | None]) -> None:
    """Record on a site's stored verdicts (by row id) the acceptance covering each, or none."""
    for row_id, mark in marks.items():
        accepted_id, until = mark if mark is not None else (None, None)
        connection.execute(
            update(assessments)
            .where(assessments.c.id == row_id, assessments.c.site == site)
            .values(accepted_id=accepted_id, accepted_until=until)
        )
