"""The handler contract: a kind, a params model, and one `send` that delivers a rendered message or raises.

The caller (`events/delivery.py`) owns retries with backoff, timeouts, attempt records, de-duplication and the
`system` event on failure; a handler does its one job. Failure is `DeliveryError(message, permanent=...)`:
permanent for a wrong address or a refusal that will never succeed, so it is not retried.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from sitewarden.durations import Duration
from sitewarden.events.levels import SeverityLevel
from sitewarden.events.message import Message
from sitewarden.events.model import Severity
from sitewarden.transport.http import HttpClient

if TYPE_CHECKING:
    from sitewarden.events.smtp import SmtpConfig


class HandlerParams(BaseModel):
    """Fields every handler has: its own minimum severity and how delivery is retried."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: str
    min_severity: SeverityLevel = Field(
        default=Severity.DEBUG, description="Only events at least this severe (recoveries count as their problem)."
    )
    retries: int = Field(default=3, ge=0, le=20, description="Further attempts after a failed one.")
    backoff: Duration = Field(default=10.0, ge=0, description="Wait before the first retry; doubles each time.")
    timeout: Duration = Field(default=30.0, gt=0, description="Longest one attempt may take.")


@dataclass(slots=True)
class HandlerContext:
    """What a handler may use: the HTTP client, the SMTP settings, and this host's name."""

    http: HttpClient = field(default_factory=HttpClient)
    smtp: SmtpConfig | None = None
    hostname: str = field(default_factory=socket.gethostname)


class Handler:
    """Base class: subclasses set `kind` and `params`, and implement `send`."""

    kind: ClassVar[str]
    params: ClassVar[type[HandlerParams]]

    async def send(self, params: Any, message: Message, ctx: HandlerContext) -> None:
        raise NotImplementedError(f"{type(self).__name__}.send")
