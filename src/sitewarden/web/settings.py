"""The `web:` config section: sessions, login limits and the public status pages."""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sitewarden.durations import Duration
from sitewarden.names import NAME_PATTERN
from sitewarden.secrets import Secret
from sitewarden.trust import SitePolicy


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StatusPageSettings(_Section):
    """A public, read-only status page for one group of sites."""

    group: str = Field(description="Sites in this group are shown.")
    slug: str | None = Field(
        default=None, pattern=NAME_PATTERN, description="Path under /status/; default the group name."
    )
    title: str | None = Field(default=None, description="Heading of the page; default the group name.")
    show_urls: bool = Field(default=False, description="Show each site's URL.")
    show_checks: bool = Field(default=False, description="Show each check's status, not only the site's worst.")
    show_summaries: bool = Field(default=False, description="Show the one-line summary of each check's last result.")
    show_uptime: bool = Field(default=True, description="Show uptime over 24 hours, 7 days and 30 days.")

    @property
    def path(self) -> str:
        return self.slug or self.group


class ApiSitesSettings(_Section):
    """What sites defined through the API, the dashboard or `sites import` may use beyond the safe defaults.

    Everything allowed here lets every dashboard/API admin act as the monitoring host's user: only the config
    file's author should decide that. By default store-defined sites get no program or ssh checks, no `${ENV}` or
    `file:` references and no paths on the host; their literal secrets are stored and never returned.
    """

    extra_kinds: list[str] = Field(
        default_factory=list,
        description=(
            "Check kinds otherwise reserved to the config file (command, ssh). Warning: an admin can then run "
            "any program, or log in anywhere the host's keys reach, as the engine's user."
        ),
    )
    env_references: bool = Field(
        default=False,
        description=(
            "Allow `${ENV_VAR}` references. Warning: an admin can then send any environment variable of the "
            "engine (database passwords, cloud keys) to a URL of their choosing."
        ),
    )
    file_references: bool = Field(
        default=False,
        description=(
            "Allow `file:/path` secret references. Warning: an admin can then send the first line of any file "
            "the engine can read to a URL of their choosing."
        ),
    )
    host_paths: bool = Field(
        default=False,
        description=(
            "Allow paths on the monitoring host (ca_file, key_file, known_hosts, cwd). Warning: an admin can then "
            "make the engine use files of the host, e.g. a private key to log in elsewhere."
        ),
    )

    def policy(self) -> SitePolicy:
        return SitePolicy(
            extra_kinds=frozenset(self.extra_kinds),
            env_references=self.env_references,
            file_references=self.file_references,
            host_paths=self.host_paths,
        )


class WebSettings(_Section):
    """The web dashboard, JSON API and /metrics (`sitewarden serve`)."""

    host: str = Field(default="127.0.0.1", description="Address `serve` binds to unless --host is given.")
    port: int = Field(default=8470, ge=1, le=65535, description="Port `serve` binds to unless --port is given.")
    session_secret: Secret | None = Field(
        default=None, description="Key that signs session cookies; default a random key kept in the database."
    )
    session_lifetime: Duration = Field(
        default=12 * 3600.0, gt=0, description="How long a login lasts at most, however active."
    )
    session_idle: Duration = Field(
        default=2 * 3600.0, gt=0, description="A login ends after this long without a request."
    )
    secure_cookies: bool = Field(default=False, description="Send the session cookie over HTTPS only.")
    login_attempts: int = Field(
        default=5, ge=1, le=1000, description="Failed logins per name and address before each retry waits longer."
    )
    login_address_attempts: int = Field(
        default=100, ge=1, le=100000, description="Failed logins per address (all names) before it is refused."
    )
    login_window: Duration = Field(default=300.0, gt=0, description="Window in which failed logins are counted.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description=(
            "Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed; from anyone else the "
            "header is ignored."
        ),
    )
    api_sites: ApiSitesSettings = Field(
        default_factory=ApiSitesSettings, description="What store-defined sites may use (the config is the boundary)."
    )
    status_pages: list[StatusPageSettings] = Field(
        default_factory=list, description="Public status pages (none unless listed here)."
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value.strip(), strict=False)
            except ValueError:
                raise ValueError(f"'{value}' is not an address or CIDR range") from None
        return values

    @field_validator("status_pages")
    @classmethod
    def _unique_paths(cls, pages: list[StatusPageSettings]) -> list[StatusPageSettings]:
        seen: set[str] = set()
        for page in pages:
            if page.path in seen:
                raise ValueError(f"two status pages use the path /status/{page.path}; set a distinct slug")
            seen.add(page.path)
        return pages

    def status_page(self, path: str) -> StatusPageSettings | None:
        for page in self.status_pages:
            if page.path == path:
                return page
        return None
