"""The mail server settings shared by the email handler, the handler context and the reports."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sitewarden.durations import Duration
from sitewarden.secrets import Secret

DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}


class SmtpConfig(BaseModel):
    """The mail server every email handler and report uses."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    host: str = Field(default="localhost", description="SMTP server name or address.")
    port: int | None = Field(default=None, ge=1, le=65535, description="Default 25, 587 (starttls) or 465 (tls).")
    security: Literal["none", "starttls", "tls"] = Field(
        default="starttls", description="none, starttls (upgrade a plain connection) or tls (TLS from the start)."
    )
    username: str | None = Field(default=None, description="Login name, when the server needs one.")
    password: Secret | None = Field(default=None, description="Login password; use `${ENV_VAR}` or `file:/path`.")
    from_address: str = Field(
        default="sitewarden@localhost", alias="from", description="Sender address (From header and envelope)."
    )
    timeout: Duration = Field(default=30.0, gt=0, description="Longest wait for the server.")
    verify_tls: bool = Field(default=True, description="Verify the server's certificate and name.")
    ca_file: Path | None = Field(default=None, description="CA bundle to verify against instead of the system's.")

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]
