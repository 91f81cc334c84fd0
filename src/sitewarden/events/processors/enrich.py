"""Enrich: add the site's URL, groups and contacts to each event's payload, for receivers that route by them."""

from __future__ import annotations

import dataclasses
from typing import Literal

from sitewarden.events.message import MessageItem
from sitewarden.events.processors.base import Processor, ProcessorContext, ProcessorParams


class EnrichParams(ProcessorParams):
    """Enrich: add site details (url, groups, contacts) under `payload.site_details`."""

    kind: Literal["enrich"] = "enrich"


class EnrichProcessor(Processor):
    """Enrich: add site details to each event."""

    kind = "enrich"
    params = EnrichParams

    def process(self, params: EnrichParams, items: list[MessageItem], ctx: ProcessorContext) -> list[MessageItem]:
        out = []
        for item in items:
            site = ctx.sites.get(item.event.site or "")
            if site is None:
                out.append(item)
                continue
            details = {"url": site.url, "groups": list(site.groups), "contacts": list(site.contacts)}
            event = dataclasses.replace(item.event, payload={**item.event.payload, "site_details": details})
            out.append(dataclasses.replace(item, event=event))
        return out
