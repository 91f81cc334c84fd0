"""Severities and event types as config files write them (`warning`, `security`), parsed when the config loads."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

from sitewarden.events.model import EventType, Severity


def parse_severity(value: Any) -> Severity:
    """A PSR-3 severity from its name (`warning`) or from a Severity."""
    if isinstance(value, Severity):
        return value
    if not isinstance(value, str):
        raise ValueError("expected a severity name such as warning or error")
    return Severity.parse(value)


def parse_event_type(value: Any) -> EventType:
    """An event type from its name, with the list of known types in the error."""
    if isinstance(value, EventType):
        return value
    try:
        return EventType(str(value).strip().lower())
    except ValueError:
        names = ", ".join(member.value for member in EventType)
        raise ValueError(f"'{value}' is not an event type; use one of {names}") from None


SeverityLevel = Annotated[
    Severity, BeforeValidator(parse_severity), PlainSerializer(lambda value: value.label, return_type=str)
]
"""A severity written as its PSR-3 name: debug, info, notice, warning, error, critical, alert, emergency."""

EventTypeName = Annotated[
    EventType, BeforeValidator(parse_event_type), PlainSerializer(lambda value: value.value, return_type=str)
]
"""An event type written as its name: availability, security, update, certificate, system, audit."""
