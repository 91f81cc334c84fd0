"""File: one JSON line per event appended to a file, for log shippers and audits."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from typing import Literal

from pydantic import Field

from sitewarden.errors import DeliveryError
from sitewarden.events.handlers.base import Handler, HandlerContext, HandlerParams
from sitewarden.events.message import Message

_LOCK = threading.Lock()


class FileParams(HandlerParams):
    """File: append each event as one JSON line."""

    kind: Literal["file"] = "file"
    path: Path = Field(description="File to append to; created when missing.")


class FileHandler(Handler):
    """File: JSON lines appended to a local file."""

    kind = "file"
    params = FileParams

    async def send(self, params: FileParams, message: Message, ctx: HandlerContext) -> None:
        lines = [
            json.dumps({**item.as_dict(), "target": message.target, "message_id": message.id}, default=str) + "\n"
            for item in message.items
        ]
        try:
            await asyncio.to_thread(_append, params.path, "".join(lines).encode())
        except OSError as exc:
            permanent = isinstance(exc, PermissionError | IsADirectoryError | NotADirectoryError)
            raise DeliveryError(f"cannot write {params.path}: {exc.strerror or exc}", permanent=permanent) from None


def _append(path: Path, data: bytes) -> None:
    """One write with O_APPEND, so lines from several processes do not interleave."""
    with _LOCK:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, data)
        finally:
            os.close(descriptor)
