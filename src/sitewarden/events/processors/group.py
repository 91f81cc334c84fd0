"""Group: hold a target's events for `wait` and send them as one message, ordered by severity, site or type."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sitewarden.durations import Duration
from sitewarden.events.message import MessageItem
from sitewarden.events.processors.base import Processor, ProcessorContext, ProcessorParams


class GroupParams(ProcessorParams):
    """Group: events arriving within `wait` become one message (one mail for an outage of 500 sites)."""

    kind: Literal["group"] = "group"
    wait: Duration = Field(default=30.0, ge=0, le=86400, description="How long the first event waits for others.")
    order_by: Literal["severity", "site", "type"] = Field(default="severity", description="Order inside a message.")


class GroupProcessor(Processor):
    """Group: batch events per target; orders the items of a grouped message."""

    kind = "group"
    params = GroupParams

    def process(self, params: GroupParams, items: list[MessageItem], ctx: ProcessorContext) -> list[MessageItem]:
        if params.order_by == "site":
            return sorted(items, key=lambda item: (item.event.site or "", item.event.channel, item.event.id or 0))
        if params.order_by == "type":
            return sorted(items, key=lambda item: (item.event.type.value, -item.level, item.event.id or 0))
        return sorted(items, key=lambda item: (item.recovery, -item.level, item.event.site or "", item.event.id or 0))
