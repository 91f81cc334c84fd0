"""Group: the params of a grouped target, and the order of the items inside one grouped message."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sitewarden.events.model import EventType, Severity
from sitewarden.events.processors.base import ProcessorContext
from sitewarden.events.processors.group import GroupParams, GroupProcessor
from tests.events.processors.items import item

ITEMS = [
    item("shop", Severity.WARNING, event_id=1, type=EventType.CERTIFICATE),
    item("blog", Severity.CRITICAL, event_id=2, type=EventType.AVAILABILITY),
    item("api", Severity.ERROR, event_id=3, type=EventType.AVAILABILITY, payload={"recovery": True}),
    item("blog", Severity.WARNING, event_id=4, type=EventType.SECURITY),
]


def order(order_by: str) -> list[int | None]:
    params = GroupParams.model_validate({"kind": "group", "order_by": order_by})
    return [entry.event.id for entry in GroupProcessor().process(params, list(ITEMS), ProcessorContext())]


def test_params_default_to_thirty_seconds_by_severity_and_take_durations() -> None:
    default = GroupParams.model_validate({"kind": "group"})
    assert (default.wait, default.order_by) == (30.0, "severity")
    assert GroupParams.model_validate({"kind": "group", "wait": "5m"}).wait == 300.0


@pytest.mark.parametrize("bad", [{"wait": "2d"}, {"wait": -1}, {"order_by": "time"}, {"window": "1m"}])
def test_invalid_params_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        GroupParams.model_validate({"kind": "group", **bad})


def test_by_severity_problems_come_first_most_severe_first_then_recoveries() -> None:
    assert order("severity") == [2, 4, 1, 3]


def test_by_site_items_follow_the_site_names() -> None:
    assert order("site") == [3, 2, 4, 1]


def test_by_type_items_follow_the_event_type_then_severity() -> None:
    assert order("type") == [2, 3, 1, 4]


def test_grouping_keeps_every_item_and_changes_none() -> None:
    out = GroupProcessor().process(GroupParams(), list(ITEMS), ProcessorContext())
    assert sorted(id(entry) for entry in out) == sorted(id(entry) for entry in ITEMS)
