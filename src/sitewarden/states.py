"""A check's state and its changes: the model the engine advances, the store keeps and events describe.

A leaf module (it imports only `results`), so the engine and the store share it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sitewarden.results import Status


@dataclass(slots=True)
class CheckState:
    """A check's confirmed (hard) status, its pending (soft) status with the attempt count, and its last result.

    `hard` is None while a new check has not yet reached a confirmed status.
    """

    hard: Status | None
    hard_since: datetime
    soft: Status
    attempts: int = 0
    last_status: Status | None = None
    last_summary: str | None = None
    last_result_at: datetime | None = None
    last_duration_ms: float | None = None
    paused: bool = False
    memory: dict[str, Any] = field(default_factory=dict)
    version: int = 0


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of the confirmed status; `old` is None for a check's first confirmed status."""

    old: Status | None
    new: Status
    at: datetime
    attempts: int

    @property
    def is_recovery(self) -> bool:
        return self.new is Status.OK and self.old not in (None, Status.OK)

    @property
    def is_problem(self) -> bool:
        return self.new is not Status.OK
