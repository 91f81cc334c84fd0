"""HTTP options a site gives to every request made for it (t3monitoring's client options, and more)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sitewarden.secrets import Secret
from sitewarden.trust import HostPath


class BasicAuth(BaseModel):
    """HTTP basic authentication for a site behind a password."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    user: str = Field(description="User name.")
    password: Secret = Field(description="Password; use `${ENV_VAR}` or `file:/path`.")


class HttpOptions(BaseModel):
    """How to reach a site over HTTP: authentication, Host header, TLS verification, address family, headers."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    basic_auth: BasicAuth | None = Field(default=None, description="Basic auth sent with every request.")
    host_header: str | None = Field(default=None, description="Host header (and TLS server name) to send.")
    verify_tls: bool = Field(default=True, description="Verify the certificate chain and host name.")
    ca_file: HostPath | None = Field(default=None, description="CA bundle to verify against instead of the system's.")
    ip_family: Literal[4, 6] | None = Field(default=None, description="Connect over IPv4 or IPv6 only.")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra request headers.")
