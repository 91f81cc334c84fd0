"""Redact: blank every known secret, and any payload value whose key names a secret, before a message leaves."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Literal

from pydantic import Field

from sitewarden.events.message import MessageItem
from sitewarden.events.processors.base import Processor, ProcessorContext, ProcessorParams
from sitewarden.logs import MASK, redact

SECRET_KEYS = re.compile(r"pass(word)?|secret|token|api[_-]?key|authorization|cookie|credential", re.IGNORECASE)
URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.IGNORECASE)


class RedactParams(ProcessorParams):
    """Redact: mask secrets in messages and payloads (config secrets, secret-named keys, URL passwords)."""

    kind: Literal["redact"] = "redact"
    keys: list[str] = Field(default_factory=list, description="More payload keys to mask, besides secret-like ones.")


class RedactProcessor(Processor):
    """Redact: mask secrets in every event."""

    kind = "redact"
    params = RedactParams

    def process(self, params: RedactParams, items: list[MessageItem], ctx: ProcessorContext) -> list[MessageItem]:
        extra = {key.lower() for key in params.keys}
        out = []
        for item in items:
            event = item.event
            clean = dataclasses.replace(
                event, message=redact_text(event.message), payload=_redact_value(event.payload, extra)
            )
            out.append(dataclasses.replace(item, event=clean))
        return out


def redact_text(text: str) -> str:
    """Registered secrets and passwords inside URLs replaced by asterisks."""
    return URL_PASSWORD.sub(lambda match: match.group("scheme") + MASK + "@", redact(text))


def _redact_value(value: Any, extra: set[str]) -> Any:
    if isinstance(value, dict):
        return {
            key: MASK if _secret_key(str(key), extra) and value[key] else _redact_value(item, extra)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_value(item, extra) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def _secret_key(key: str, extra: set[str]) -> bool:
    return key.lower() in extra or bool(SECRET_KEYS.search(key))
