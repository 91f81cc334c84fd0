"""The `web:` config section: sessions, login limits and the public status pages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sitewarden.durations import Duration
from sitewarden.names import NAME_PATTERN
from sitewarden.secrets import Secret


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
    show_uptime: bool = Field(default=True, description="Show uptime over 24 hours and 30 days.")

    @property
    def path(self) -> str:
        return self.slug or self.group


class WebSettings(_Section):
    """The web dashboard, JSON API and /metrics (`sitewarden serve`)."""

    host: str = Field(default="127.0.0.1", description="Address `serve` binds to unless --host is given.")
    port: int = Field(default=8470, ge=1, le=65535, description="Port `serve` binds to unless --port is given.")
    session_secret: Secret | None = Field(
        default=None, description="Key that signs session cookies; default a random key kept in the database."
    )
    session_lifetime: Duration = Field(default=12 * 3600.0, gt=0, description="How long a login lasts.")
    secure_cookies: bool = Field(default=False, description="Send the session cookie over HTTPS only.")
    login_attempts: int = Field(default=5, ge=1, le=1000, description="Failed logins allowed per name and address.")
    login_window: Duration = Field(default=300.0, gt=0, description="Window in which failed logins are counted.")
    status_pages: list[StatusPageSettings] = Field(
        default_factory=list, description="Public status pages (none unless listed here)."
    )

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
