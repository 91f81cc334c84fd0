"""Redact: blank every known secret, and any payload value whose key names a secret, before a message leaves."""

from __future__ import annotations

import dataclasses
from typing import Literal

from pydantic import Field

from sitewarden.events.message import MessageItem
from sitewarden.events.processors.base import Processor, ProcessorContext, ProcessorParams
from sitewarden.secrets import redact, redact_value


class RedactParams(ProcessorParams):
    """Redact: mask secrets in messages and payloads (known secrets, secret-named keys, URL passwords)."""

    kind: Literal["redact"] = "redact"
    keys: list[str] = Field(default_factory=list, description="More payload keys to mask, besides secret-like ones.")


class RedactProcessor(Processor):
    """Redact: mask secrets in every event."""

    kind = "redact"
    params = RedactParams

    def process(self, params: RedactParams, items: list[MessageItem], ctx: ProcessorContext) -> list[MessageItem]:
        out = []
        for item in items:
            event = item.event
            clean = dataclasses.replace(
                event, message=redact(event.message), payload=redact_value(event.payload, by_key=True, keys=params.keys)
            )
            out.append(dataclasses.replace(item, event=clean))
        return out
