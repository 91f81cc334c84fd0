"""Webhook: an HTTP POST of the documented JSON body, with custom headers; retried by delivery on failure."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import Field, field_validator

from sitewarden.errors import DeliveryError
from sitewarden.events.handlers.base import Handler, HandlerContext, HandlerParams
from sitewarden.events.message import Message
from sitewarden.secrets import Secret
from sitewarden.transport.http import HttpFailure, HttpRequest
from sitewarden.transport.options import HttpOptions

RETRYABLE = frozenset({408, 425, 429})


class WebhookParams(HandlerParams):
    """Webhook: POST the message as JSON to a URL."""

    kind: Literal["webhook"] = "webhook"
    url: Secret = Field(description="Where to POST; may hold a token, so it is kept secret.")
    headers: dict[str, Secret] = Field(default_factory=dict, description="Extra headers, e.g. Authorization.")
    verify_tls: bool = Field(default=True, description="Verify the receiver's certificate.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: Secret) -> Secret:
        if not value.get_secret_value().startswith(("http://", "https://")):
            raise ValueError("expected an absolute http:// or https:// URL")
        return value


class WebhookHandler(Handler):
    """Webhook: HTTP POST of a JSON body."""

    kind = "webhook"
    params = WebhookParams

    async def send(self, params: WebhookParams, message: Message, ctx: HandlerContext) -> None:
        body = json.dumps(message.as_dict(), ensure_ascii=False, default=str).encode()
        headers = {name: value.get_secret_value() for name, value in params.headers.items()}
        headers.setdefault("Content-Type", "application/json")
        if message.id:
            headers.setdefault("Idempotency-Key", message.id)
        request = HttpRequest(
            url=params.url.get_secret_value(),
            method="POST",
            headers=headers,
            body=body,
            options=HttpOptions(verify_tls=params.verify_tls),
            follow_redirects=False,
            max_body=64 * 1024,
            timeout=params.timeout,
        )
        try:
            response = await ctx.http.request(request)
        except HttpFailure as exc:
            raise DeliveryError(f"webhook: {exc.message}") from None
        if 200 <= response.status < 300:
            return
        permanent = 400 <= response.status < 500 and response.status not in RETRYABLE
        raise DeliveryError(f"webhook answered status {response.status}", permanent=permanent)
