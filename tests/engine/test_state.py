"""The soft/hard state machine: thresholds, recoveries, and moves between problem statuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sitewarden.engine.state import advance, new_state
from sitewarden.results import Result, Status

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def feed(statuses: list[Status], failure_threshold: int = 3, success_threshold: int = 1):  # type: ignore[no-untyped-def]
    state = new_state(T0)
    transitions = []
    for index, status in enumerate(statuses):
        result = Result(status, status.label, started_at=T0 + timedelta(minutes=index))
        state, transition = advance(state, result, failure_threshold, success_threshold)
        transitions.append(transition)
    return state, transitions


def test_first_ok_confirms_at_once() -> None:
    state, transitions = feed([Status.OK])
    assert state.hard is Status.OK
    assert transitions[0] is not None and transitions[0].old is None


def test_failure_counts_only_after_threshold_in_a_row() -> None:
    state, transitions = feed([Status.OK, Status.ERROR, Status.ERROR])
    assert state.hard is Status.OK and state.soft is Status.ERROR and state.attempts == 2
    assert transitions[1:] == [None, None]
    state, transitions = feed([Status.OK, Status.ERROR, Status.ERROR, Status.ERROR])
    assert state.hard is Status.ERROR and state.attempts == 0
    last = transitions[-1]
    assert last is not None and (last.old, last.new, last.attempts) == (Status.OK, Status.ERROR, 3)


def test_an_ok_in_between_resets_the_count() -> None:
    state, transitions = feed([Status.OK, Status.ERROR, Status.ERROR, Status.OK, Status.ERROR, Status.ERROR])
    assert state.hard is Status.OK
    assert all(transition is None for transition in transitions[1:])


def test_recovery_needs_success_threshold() -> None:
    statuses = [Status.ERROR] * 3 + [Status.OK, Status.OK]
    state, transitions = feed(statuses, success_threshold=2)
    assert state.hard is Status.OK
    recovery = transitions[-1]
    assert recovery is not None and recovery.is_recovery and recovery.old is Status.ERROR
    assert transitions[-2] is None


def test_confirmed_problem_moves_between_warning_and_error_at_once() -> None:
    state, transitions = feed([Status.WARNING] * 3 + [Status.ERROR])
    assert state.hard is Status.ERROR
    change = transitions[-1]
    assert change is not None and (change.old, change.new) == (Status.WARNING, Status.ERROR)


def test_mixed_problem_statuses_count_towards_the_threshold() -> None:
    state, _ = feed([Status.OK, Status.WARNING, Status.ERROR, Status.UNKNOWN])
    assert state.hard is Status.UNKNOWN


def test_last_result_is_remembered() -> None:
    state, _ = feed([Status.OK, Status.ERROR])
    assert state.last_status is Status.ERROR and state.last_summary == "error"
    assert state.last_result_at == T0 + timedelta(minutes=1)
