"""Command: run a program with the event in environment variables and the message as JSON on stdin."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shlex
from typing import Any, Literal

from pydantic import Field, field_validator

from sitewarden.errors import DeliveryError
from sitewarden.events.handlers.base import Handler, HandlerContext, HandlerParams
from sitewarden.events.message import Message


class CommandParams(HandlerParams):
    """Command: run a program; the message is JSON on its stdin and SITEWARDEN_* variables in its environment."""

    kind: Literal["command"] = "command"
    command: list[str] = Field(description="Program and arguments, as a list or one shell-quoted string.")
    env: dict[str, str] = Field(default_factory=dict, description="Extra environment variables.")

    @field_validator("command", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = shlex.split(value)
            except ValueError as exc:
                raise ValueError(f"cannot split the command line: {exc}") from None
        if isinstance(value, list) and not value:
            raise ValueError("the command is empty")
        return value


class CommandHandler(Handler):
    """Command: run a local program per message."""

    kind = "command"
    params = CommandParams

    async def send(self, params: CommandParams, message: Message, ctx: HandlerContext) -> None:
        stdin = json.dumps(message.as_dict(), ensure_ascii=False, default=str).encode()
        try:
            process = await asyncio.create_subprocess_exec(
                *params.command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                env={**os.environ, **params.env, **message_environment(message)},
            )
        except (FileNotFoundError, PermissionError) as exc:
            raise DeliveryError(f"cannot run {params.command[0]}: {exc.strerror}", permanent=True) from None
        try:
            _, stderr = await process.communicate(stdin)
        finally:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if process.returncode != 0:
            lines = stderr.decode(errors="replace").strip().splitlines()
            reason = f": {lines[-1][:200]}" if lines else ""
            raise DeliveryError(f"{params.command[0]} exited with status {process.returncode}{reason}")


def message_environment(message: Message) -> dict[str, str]:
    """SITEWARDEN_* variables: the message, and the first event's fields for one-event messages."""
    env = {
        "SITEWARDEN_TARGET": message.target,
        "SITEWARDEN_SUBJECT": message.subject,
        "SITEWARDEN_SEVERITY": message.severity.label,
        "SITEWARDEN_EVENT_COUNT": str(len(message.items)),
        "SITEWARDEN_MESSAGE_ID": message.id,
    }
    if message.items:
        item = message.items[0]
        event = item.event
        env.update(
            SITEWARDEN_NOTICE=item.notice,
            SITEWARDEN_EVENT_ID=str(event.id or ""),
            SITEWARDEN_TYPE=event.type.value,
            SITEWARDEN_CHANNEL=event.channel,
            SITEWARDEN_SITE=event.site or "",
            SITEWARDEN_CHECK=event.check or "",
            SITEWARDEN_MESSAGE=event.message,
            SITEWARDEN_RECOVERY="1" if item.recovery else "0",
        )
    return env
