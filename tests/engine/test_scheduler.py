"""The scheduler: stable jitter, earliest first, and phase kept across runs."""

from __future__ import annotations

from sitewarden.engine.scheduler import Scheduler, next_due, stable_fraction


def test_jitter_is_stable_per_check_and_spreads_a_fleet() -> None:
    assert stable_fraction("shop/web") == stable_fraction("shop/web")
    fractions = [stable_fraction(f"site{i}/web") for i in range(10_000)]
    buckets = [0] * 10
    for fraction in fractions:
        assert 0 <= fraction < 1
        buckets[int(fraction * 10)] += 1
    assert min(buckets) > 800 and max(buckets) < 1200


def test_due_checks_come_out_earliest_first_and_only_once() -> None:
    scheduler = Scheduler()
    scheduler.schedule("b", 20.0)
    scheduler.schedule("a", 10.0)
    scheduler.schedule("c", 30.0)
    assert scheduler.pop_due(5.0) == []
    assert scheduler.pop_due(25.0) == ["a", "b"]
    assert scheduler.pop_due(25.0) == []
    assert scheduler.next_due() == 30.0


def test_rescheduling_moves_a_check_and_remove_drops_it() -> None:
    scheduler = Scheduler()
    scheduler.schedule("a", 10.0)
    scheduler.schedule("a", 50.0)
    scheduler.schedule("b", 20.0)
    scheduler.remove("b")
    assert scheduler.pop_due(40.0) == []
    assert scheduler.pop_due(60.0) == ["a"]
    assert len(scheduler) == 0


def test_next_due_keeps_phase_unless_behind() -> None:
    assert next_due(100.0, 60.0, 130.0) == 160.0
    assert next_due(100.0, 60.0, 200.0) == 260.0
