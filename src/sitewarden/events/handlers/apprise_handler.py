"""Apprise: any Apprise URL (chat, push, SMS services) through the apprise library."""

from __future__ import annotations

import asyncio
import functools
import warnings
from typing import Any, Literal

from pydantic import Field, field_validator

from sitewarden.errors import DeliveryError
from sitewarden.events.handlers.base import Handler, HandlerContext, HandlerParams
from sitewarden.events.message import Message
from sitewarden.events.model import Severity
from sitewarden.secrets import Secret


@functools.cache
def load_apprise() -> Any:
    """Import apprise and its plugins once; they import the deprecated `imghdr` module, a warning not ours to show."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise

        apprise.Apprise.instantiate("json://localhost")  # loads every plugin module now
    return apprise


class AppriseParams(HandlerParams):
    """Apprise: notify any service Apprise knows (Slack, Matrix, Telegram, ntfy, …) by its URL."""

    kind: Literal["apprise"] = "apprise"
    urls: list[Secret] = Field(min_length=1, description="Apprise URLs; they usually hold tokens, so kept secret.")

    @field_validator("urls")
    @classmethod
    def _valid_urls(cls, value: list[Secret]) -> list[Secret]:
        apprise = load_apprise()
        for index, url in enumerate(value):
            if apprise.Apprise.instantiate(url.get_secret_value()) is None:
                raise ValueError(f"urls[{index}] is not an Apprise URL that apprise can use")
        return value


class AppriseHandler(Handler):
    """Apprise: one notification per message to every URL."""

    kind = "apprise"
    params = AppriseParams

    async def send(self, params: AppriseParams, message: Message, ctx: HandlerContext) -> None:
        delivered = await asyncio.to_thread(_notify, params, message)
        if not delivered:
            raise DeliveryError("apprise could not notify every URL")


def _notify(params: AppriseParams, message: Message) -> bool:
    apprise = load_apprise()
    notifier = apprise.Apprise()
    for url in params.urls:
        notifier.add(url.get_secret_value())
    kind = apprise.NotifyType.INFO
    if message.severity >= Severity.ERROR:
        kind = apprise.NotifyType.FAILURE
    elif message.severity >= Severity.WARNING:
        kind = apprise.NotifyType.WARNING
    elif all(item.recovery for item in message.items):
        kind = apprise.NotifyType.SUCCESS
    return bool(notifier.notify(title=message.subject, body=message.text, notify_type=kind))
