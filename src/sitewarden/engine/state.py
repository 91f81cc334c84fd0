"""The soft/hard state machine: a status counts once it repeats `failure_threshold` (or `success_threshold`) times.

Nagios calls these soft and hard states and t3monitoring "allowed failures in a row": one failed fetch is noise,
three in a row is news. Between two problem statuses (warning ↔ error) a confirmed problem moves at once.
"""

from __future__ import annotations

from datetime import datetime

from sitewarden.results import Result, Status
from sitewarden.states import CheckState, Transition


def new_state(now: datetime) -> CheckState:
    """The state of a check that has never run: nothing confirmed, pending unknown."""
    return CheckState(hard=None, hard_since=now, soft=Status.UNKNOWN, attempts=0)


def advance(
    state: CheckState, result: Result, failure_threshold: int, success_threshold: int
) -> tuple[CheckState, Transition | None]:
    """Apply one result; return the new state and the hard transition it caused, if any."""
    status = result.status
    now = result.started_at

    def next_state(hard: Status | None, hard_since: datetime, soft: Status, attempts: int) -> CheckState:
        return CheckState(
            hard=hard,
            hard_since=hard_since,
            soft=soft,
            attempts=attempts,
            last_status=status,
            last_summary=result.summary,
            last_result_at=now,
            last_duration_ms=result.duration_ms,
            paused=state.paused,
            memory=state.memory,
            version=state.version + 1,
        )

    if state.hard is not None and status is state.hard:
        return next_state(state.hard, state.hard_since, status, 0), None
    if state.hard not in (None, Status.OK) and status is not Status.OK:
        # Already a confirmed problem: a different problem status replaces it at once.
        return next_state(status, now, status, 0), Transition(state.hard, status, now, 1)
    same_direction = (state.soft is Status.OK) == (status is Status.OK) and state.attempts > 0
    attempts = state.attempts + 1 if same_direction else 1
    threshold = success_threshold if status is Status.OK else failure_threshold
    if attempts >= threshold:
        return next_state(status, now, status, 0), Transition(state.hard, status, now, attempts)
    return next_state(state.hard, state.hard_since, status, attempts), None
