"""The engine's own figures: runs, checks running, start lag; what /metrics and the status table show."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class EngineStats:
    """Counters the engine keeps as it runs checks."""

    runs: int = 0
    running: int = 0
    last_lag: float = 0.0
    started_at: float = 0.0
