"""Status, FailureClass, Metric and Result: the shared vocabulary of probes, engine, store and web."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


class Status(enum.IntEnum):
    """A check outcome; the value is the Nagios exit code, so `max()` gives the worst (but see `worst`)."""

    OK = 0
    WARNING = 1
    ERROR = 2
    UNKNOWN = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def nagios(self) -> str:
        return ("OK", "WARNING", "CRITICAL", "UNKNOWN")[self.value]

    @classmethod
    def parse(cls, text: str) -> Status:
        """Read a status from sitewarden, Nagios or IETF health words (case-insensitive)."""
        word = text.strip().lower()
        if word in _ALIASES:
            return _ALIASES[word]
        raise ValueError(f"unknown status {text!r}")

    @property
    def severity_rank(self) -> int:
        """Order for 'worst first': error > warning > unknown > ok, as dashboards sort problems."""
        return (0, 2, 3, 1)[self.value]


_ALIASES = {
    "ok": Status.OK,
    "pass": Status.OK,
    "up": Status.OK,
    "warning": Status.WARNING,
    "warn": Status.WARNING,
    "error": Status.ERROR,
    "critical": Status.ERROR,
    "fail": Status.ERROR,
    "down": Status.ERROR,
    "unknown": Status.UNKNOWN,
}


def worst(statuses: Any) -> Status:
    """The worst of several statuses for exit codes (error beats warning beats unknown beats ok)."""
    result = Status.OK
    for status in statuses:
        if status.severity_rank > result.severity_rank:
            result = status
    return result


class FailureClass(enum.StrEnum):
    """Why a result is not ok: one vocabulary for the CLI, `status --json`, the API, the dashboard and /metrics."""

    HTTP_STATUS = "http_status"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    DNS = "dns"
    TLS = "tls"
    TLS_EXPIRY = "tls_expiry"
    BODY_TOO_LARGE = "body_too_large"
    REDIRECTS = "redirects"
    INVALID_RESPONSE = "invalid_response"
    CONTENT = "content"
    SLOW = "slow"
    CHECK = "check"
    CONFIG = "config"
    INTERNAL = "internal"


FAILURE_KEY = "failure"
"""The details key a result's failure class is kept under (stored with the result, no column of its own)."""


@dataclass(frozen=True, slots=True)
class Metric:
    """One measured value of a result, with optional thresholds as Nagios perfdata has them."""

    name: str
    value: float
    unit: str = ""
    warn: float | None = None
    crit: float | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "value": self.value}
        if self.unit:
            data["unit"] = self.unit
        if self.warn is not None:
            data["warn"] = self.warn
        if self.crit is not None:
            data["crit"] = self.crit
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Metric:
        return cls(data["name"], float(data["value"]), data.get("unit", ""), data.get("warn"), data.get("crit"))


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Result:
    """One run of a check: what happened, in one line, with numbers and details."""

    status: Status
    summary: str
    metrics: list[Metric] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    started_at: datetime = field(default_factory=utcnow)
    duration_ms: float = 0.0
    attachments: dict[str, Any] = field(default_factory=dict)
    """Data for result listeners (an inventory snapshot, a certificate), not stored with the result itself."""

    @property
    def failure(self) -> FailureClass | None:
        """The failure class of a non-ok result (None for ok, or for one stored before classes existed)."""
        if self.status is Status.OK:
            return None
        value = self.details.get(FAILURE_KEY)
        try:
            return FailureClass(value) if value is not None else None
        except ValueError:
            return None

    def classify(self, failure: FailureClass, phase: str | None = None) -> Result:
        """Give a non-ok result its failure class (and phase) unless it has one; returns self for chaining."""
        if self.status is not Status.OK and FAILURE_KEY not in self.details:
            self.details[FAILURE_KEY] = failure.value
            if phase is not None:
                self.details.setdefault("phase", phase)
        return self

    def metric(self, name: str) -> float | None:
        for metric in self.metrics:
            if metric.name == name:
                return metric.value
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.label,
            "summary": self.summary,
            "started_at": self.started_at.isoformat(),
            "duration_ms": round(self.duration_ms, 3),
            "class": failure.value if (failure := self.failure) is not None else None,
            "metrics": [metric.as_dict() for metric in self.metrics],
            "details": self.details,
        }
