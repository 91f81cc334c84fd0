"""Events: anything worth telling someone, stored first and routed after (so nothing is lost or sent twice)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sitewarden.results import Status, utcnow


class EventType(enum.StrEnum):
    """What an event is about; targets match on these."""

    AVAILABILITY = "availability"
    SECURITY = "security"
    UPDATE = "update"
    CERTIFICATE = "certificate"
    SYSTEM = "system"
    AUDIT = "audit"


class Severity(enum.IntEnum):
    """PSR-3 / RFC 5424 severities; a larger value is more severe (the reverse of syslog's numbers)."""

    DEBUG = 0
    INFO = 1
    NOTICE = 2
    WARNING = 3
    ERROR = 4
    CRITICAL = 5
    ALERT = 6
    EMERGENCY = 7

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def syslog(self) -> int:
        """The RFC 5424 severity number (0 emergency … 7 debug)."""
        return 7 - self.value

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(member.label for member in cls)
            raise ValueError(f"'{text}' is not a severity; use one of {names}") from None


STATUS_SEVERITY = {
    Status.OK: Severity.INFO,
    Status.WARNING: Severity.WARNING,
    Status.ERROR: Severity.ERROR,
    Status.UNKNOWN: Severity.WARNING,
}


@dataclass(slots=True)
class Event:
    """Something worth telling: channel `site.<name>.<check>`, a type, a severity, a one-line message, a payload."""

    type: EventType
    severity: Severity
    channel: str
    message: str
    payload: dict[str, Any] = field(default_factory=dict)
    site: str | None = None
    check: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int | None = None
    dedupe_key: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type.value,
            "severity": self.severity.label,
            "channel": self.channel,
            "message": self.message,
            "site": self.site,
            "check": self.check,
            "created_at": self.created_at.isoformat(),
            "payload": self.payload,
        }
