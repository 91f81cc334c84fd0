"""Strict RFC 8259 JSON for documents a check judges: no NaN or Infinity, no duplicate keys, nothing after the value.

Python's `json` accepts `NaN`, `Infinity` and repeated keys (the last one wins), so a health document saying
`{"status": "fail", "status": "pass"}` would read as passing. A check must judge only what every parser agrees on.
"""

from __future__ import annotations

import json
from typing import Any


class JsonRejected(ValueError):
    """A body that is not strict JSON; the message is one line for a result's summary."""


def _no_constant(name: str) -> Any:
    raise JsonRejected(f"{name} is not JSON (RFC 8259)")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise JsonRejected(f"duplicate key '{key[:80]}'")
        document[key] = value
    return document


def loads_strict(text: str) -> Any:
    """The document in `text`; raises JsonRejected with a one-line reason when it is not strict JSON."""
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique)
    except JsonRejected:
        raise
    except RecursionError:
        raise JsonRejected("nested too deeply") from None
    except ValueError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "unreadable"
        if message.startswith("Extra data"):
            message = "trailing data after the JSON value" + message.removeprefix("Extra data")
        raise JsonRejected(message) from None
