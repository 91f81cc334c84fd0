"""Accepted findings: accept, revoke, list, and let them expire; the same use cases for the CLI, API and dashboard.

An acceptance is recorded on the stored verdicts it covers (`apply_acceptances`), after every judgement and every
change of an acceptance, so the fleet's worst-verdict queries stay plain SQL. Every change is an `audit` event; an
expiry brings the finding back with the event its verdict would have raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection

from sitewarden.acceptance import ACCEPTABLE, NOTHING_TO_ACCEPT, AcceptedFinding, covering, names_item
from sitewarden.app.database import Database, open_store
from sitewarden.app.user_sessions import audit_cli
from sitewarden.catalog.verdicts import VERDICT_SEVERITY
from sitewarden.errors import NotFound, UsageError
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.results import utcnow
from sitewarden.store.acceptances import (
    acceptance,
    acceptances,
    add_acceptance,
    claim_expiry,
    due_expiries,
    mark_accepted,
    revoke_acceptance,
)
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.events import insert_events

logger = logging.getLogger(__name__)
T = TypeVar("T")
LONGEST = timedelta(days=731)
"""An acceptance is a decision to revisit: at most two years ahead."""
REASON_LENGTH = 500
EXPIRY_INTERVAL = 60.0


@dataclass(frozen=True, slots=True)
class AcceptRequest:
    """What an admin asks to accept: a site's item, optionally one advisory or one verdict, why and until when."""

    site: str
    product: str
    reason: str
    until: date
    advisory: str | None = None
    verdict: str | None = None


def apply_acceptances(connection: Connection, site: str, today: date) -> dict[tuple[str, str], AcceptedFinding]:
    """Record on a site's stored verdicts which acceptance covers each; returns the covered items by (kind, key)."""
    found = acceptances(connection, site, current_on=today)
    covered: dict[tuple[str, str], AcceptedFinding] = {}
    marks: dict[int, tuple[int, date] | None] = {}
    for row in assessment_rows(connection, site):
        finding = covering(found, row, today)
        mark = (finding.id, finding.until) if finding is not None else None
        if finding is not None:
            covered[(row["item_kind"], row["item_key"])] = finding
        if mark != ((row["accepted_id"], row["accepted_until"]) if row["accepted_id"] is not None else None):
            marks[row["id"]] = mark
    mark_accepted(connection, site, marks)
    return covered


def accept(connection: Connection, request: AcceptRequest, by: str, now: datetime) -> AcceptedFinding:
    """Accept a finding of a judged item; without an advisory or verdict, the item's current verdict is accepted."""
    today = now.date()
    reason = " ".join(request.reason.split())
    if not reason:
        raise UsageError("an acceptance needs a reason", hint="say why the finding is acceptable for now")
    if len(reason) > REASON_LENGTH:
        raise UsageError(f"the reason is longer than {REASON_LENGTH} characters")
    if request.until < today:
        raise UsageError(f"the date {request.until.isoformat()} is in the past", hint="give the last day it holds")
    if request.until > today + LONGEST:
        raise UsageError("an acceptance can last at most two years", hint="accept again when it ends")
    if request.advisory and request.verdict:
        raise UsageError("accept either one advisory or one verdict, not both")
    if request.verdict is not None and request.verdict not in ACCEPTABLE:
        raise UsageError(f"'{request.verdict}' is not a verdict to accept; use one of {', '.join(ACCEPTABLE)}")
    row = _judged_item(connection, request.site, request.product)
    verdict = request.verdict
    if not request.advisory and verdict is None:
        if row["verdict"] in NOTHING_TO_ACCEPT:
            raise UsageError(f"{request.site}: {row['product']} is {row['verdict']}, there is nothing to accept")
        verdict = row["verdict"]
    finding = add_acceptance(
        connection,
        site=request.site,
        product=row["product"],
        advisory=(request.advisory or "").strip() or None,
        verdict=verdict,
        reason=reason,
        until=request.until,
        accepted_by=by,
        now=now,
    )
    apply_acceptances(connection, request.site, today)
    insert_events(connection, [_audit(finding, "accept", by, now)])
    logger.info("finding accepted site=%s product=%s id=%d by=%s", finding.site, finding.product, finding.id, by)
    return finding


def revoke(connection: Connection, finding_id: int, by: str, now: datetime) -> AcceptedFinding:
    """End an acceptance now: the finding counts again at once."""
    if not revoke_acceptance(connection, finding_id, by, now):
        found = acceptance(connection, finding_id)
        if found is None:
            raise NotFound(f"no accepted finding with id {finding_id}", hint="see `sitewarden findings list --all`")
        raise UsageError(f"accepted finding {finding_id} was revoked already")
    finding = acceptance(connection, finding_id)
    assert finding is not None
    apply_acceptances(connection, finding.site, now.date())
    insert_events(connection, [_audit(finding, "revoke", by, now)])
    logger.info("acceptance revoked site=%s id=%d by=%s", finding.site, finding.id, by)
    return finding


def listed(connection: Connection, site: str | None, *, everything: bool, today: date) -> list[AcceptedFinding]:
    """Acceptances in force (or all of them, revoked and expired included), newest first."""
    return acceptances(connection, site, current_on=None if everything else today)


def expire_due(connection: Connection, now: datetime) -> list[Event]:
    """Tell each acceptance that ended (once, even with several processes) and let its finding count again."""
    today = now.date()
    events: list[Event] = []
    for finding in due_expiries(connection, today):
        if not claim_expiry(connection, finding.id, now):
            continue
        apply_acceptances(connection, finding.site, today)
        rows = [row for row in assessment_rows(connection, finding.site) if names_item(finding, row)]
        events.append(_expiry(finding, rows, now))
    insert_events(connection, events)
    return events


async def expire_forever(database: Database, stop: asyncio.Event, interval: float = EXPIRY_INTERVAL) -> None:
    """The daemon's task: tell ended acceptances every `interval` seconds until `stop`."""
    while not stop.is_set():
        try:
            await asyncio.to_thread(expire_once, database)
        except Exception:
            logger.exception("accepted findings: expiry pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


def expire_once(database: Database) -> int:
    """One expiry pass in its own transaction (the daemon's loop, and `run --once`); returns the events written."""
    with database.transaction() as connection:
        return len(expire_due(connection, utcnow()))


def in_store(store_url: str, work: Callable[[Connection], T]) -> T:
    """Run one use case in one transaction of the configured store (what the CLI calls)."""
    database = open_store(store_url)
    try:
        with database.transaction() as connection:
            return work(connection)
    finally:
        database.close()


def parse_until(text: str) -> date:
    """The last day of an acceptance, from YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"'{text}' is not a date", hint="give the last day as YYYY-MM-DD, e.g. 2026-12-31") from None


def accept_in_store(store_url: str, request: AcceptRequest, by: str) -> AcceptedFinding:
    """`sitewarden findings accept`: one acceptance, audited, in the configured store."""

    def work(connection: Connection) -> AcceptedFinding:
        finding = accept(connection, request, by, utcnow())
        audit_cli(connection, "finding.accept", finding.site, id=finding.id, product=finding.product)
        return finding

    return in_store(store_url, work)


def revoke_in_store(store_url: str, finding_id: int, by: str) -> AcceptedFinding:
    """`sitewarden findings revoke`."""

    def work(connection: Connection) -> AcceptedFinding:
        finding = revoke(connection, finding_id, by, utcnow())
        audit_cli(connection, "finding.revoke", finding.site, id=finding.id, product=finding.product)
        return finding

    return in_store(store_url, work)


def list_in_store(store_url: str, site: str | None, *, everything: bool) -> list[AcceptedFinding]:
    """`sitewarden findings list`; expiries that are due are told first, so the list and the events agree."""

    def work(connection: Connection) -> list[AcceptedFinding]:
        now = utcnow()
        expire_due(connection, now)
        return listed(connection, site, everything=everything, today=now.date())

    return in_store(store_url, work)


def _judged_item(connection: Connection, site: str, product: str) -> dict[str, Any]:
    rows = assessment_rows(connection, site)
    if not rows:
        raise NotFound(f"no judged inventory for a site named '{site}'", hint="see `sitewarden inventory`")
    probe = AcceptedFinding(0, site, product.strip(), "", date.min, "", datetime.min)
    matching = [row for row in rows if names_item(probe, row)]
    if len(matching) != 1:
        products = ", ".join(sorted({row["product"] for row in rows}))
        what = "several items" if matching else "no judged item"
        raise NotFound(f"{site} has {what} '{product}'", hint=f"name one of: {products}")
    return matching[0]


def _audit(finding: AcceptedFinding, action: str, by: str, now: datetime) -> Event:
    if action == "accept":
        text = f"{by} accepted {finding.subject} of {finding.product} until {finding.until.isoformat()}"
        message = f"{finding.site}: {text}: {finding.reason}"
    else:
        message = f"{finding.site}: {by} revoked the acceptance of {finding.subject} of {finding.product}"
    return Event(
        type=EventType.AUDIT,
        severity=Severity.NOTICE,
        channel=f"site.{finding.site}.assessment",
        message=message,
        payload={"action": action, "by": by, **_payload(finding)},
        site=finding.site,
        check="assessment",
        created_at=now,
    )


def _expiry(finding: AcceptedFinding, rows: list[dict[str, Any]], now: datetime) -> Event:
    """The finding is back: the event its verdict raises (security when insecure); an audit note when it is gone."""
    open_rows = [row for row in rows if row["verdict"] not in NOTHING_TO_ACCEPT and row["accepted_id"] is None]
    ended = f"the acceptance of {finding.subject} of {finding.product} by {finding.accepted_by} ended"
    payload = {"action": "expire", "by": finding.accepted_by, **_payload(finding)}
    channel = f"site.{finding.site}.assessment"
    if not open_rows:
        still = [row["accepted_until"] for row in rows if row["accepted_id"] is not None]
        rest = f"another acceptance holds until {max(still).isoformat()}" if still else "the finding is no longer open"
        message = f"{finding.site}: {ended}; {rest}"
        return Event(EventType.AUDIT, Severity.INFO, channel, message, payload, finding.site, "assessment", now)
    row = open_rows[0]
    verdict = row["verdict"]
    severity = VERDICT_SEVERITY.get(verdict, Severity.NOTICE)
    message = f"{finding.site}: {ended}; {row['item_kind']} {row['item_key']} is {verdict}: {row['summary']}"
    payload.update(
        item_kind=row["item_kind"],
        item_key=row["item_key"],
        version=row["version"],
        verdict=verdict,
        advisories=[advisory.get("id") for advisory in row["advisories"] or []],
        fixed_version=row["fixed_version"],
    )
    kind = EventType.SECURITY if verdict == "insecure" else EventType.UPDATE
    return Event(kind, severity, channel, message, payload, finding.site, "assessment", now)


def _payload(finding: AcceptedFinding) -> dict[str, Any]:
    return {
        "finding_id": finding.id,
        "product": finding.product,
        "advisory": finding.advisory,
        "accepted_verdict": finding.verdict,
        "reason": finding.reason,
        "until": finding.until.isoformat(),
    }
