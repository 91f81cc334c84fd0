"""Availability events: one per confirmed (hard) state change, written with the result that caused it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sitewarden.config.kinds import check_kinds
from sitewarden.events.model import STATUS_SEVERITY, Event, EventType, Severity
from sitewarden.results import Result

if TYPE_CHECKING:  # the engine hands these in; events never call into the engine or the config's models
    from sitewarden.config.plan import CheckSpec
    from sitewarden.states import Transition


def transition_event(spec: CheckSpec, transition: Transition, result: Result) -> Event:
    """The event for a hard state change; recoveries are `info`, problems take the severity of their status."""
    old = transition.old.label if transition.old is not None else "pending"
    new = transition.new.label
    if transition.is_recovery:
        message = f"{spec.key} recovered: {result.summary}"
    elif transition.old is None:
        message = f"{spec.key} is {new}: {result.summary}"
    else:
        message = f"{spec.key} is {new} (was {old}): {result.summary}"
    return Event(
        type=EventType.CERTIFICATE if check_kinds()[spec.kind].yields_certificate else EventType.AVAILABILITY,
        severity=STATUS_SEVERITY[transition.new],
        channel=spec.channel,
        message=message,
        payload={
            "check_key": spec.key,
            "kind": spec.kind,
            "old": old,
            "new": new,
            "summary": result.summary,
            "attempts": transition.attempts,
            "recovery": transition.is_recovery,
            "since": transition.at.isoformat(),
        },
        site=spec.site,
        check=spec.name,
        created_at=transition.at,
    )


def acknowledgement_event(
    spec: CheckSpec, by: str | None, at: datetime, *, planned: bool = False, reason: str = ""
) -> Event:
    """An `audit` event: someone acknowledged the check's problem (reminders stop until the next change).

    `planned` marks the outage as planned work: SLA reports leave it out of the figures and list it with `reason`.
    """
    who = by or "someone"
    payload: dict[str, object] = {"check_key": spec.key, "action": "acknowledge", "by": who}
    if planned:
        payload.update(planned=True, reason=reason)
    return Event(
        type=EventType.AUDIT,
        severity=Severity.NOTICE,
        channel=spec.channel,
        message=f"{spec.key} acknowledged by {who}" + (f" as planned work: {reason}" if planned else ""),
        payload=payload,
        site=spec.site,
        check=spec.name,
        created_at=at,
    )
