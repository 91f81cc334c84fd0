"""The probe contract: a kind, a params model, a pool, and one `run` that turns any outcome into a Result.

The engine owns timing, timeouts, retries, pools and state; a probe does its one job and returns. Exceptions are
for bugs only: the runner turns one into `unknown` ("internal error in probe <kind>") and logs the traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, SecretStr

from sitewarden.results import Result, utcnow
from sitewarden.transport.http import HttpClient
from sitewarden.transport.options import HttpOptions


class ProbeParams(BaseModel):
    """Base of every probe's parameters: unknown keys are errors, values are frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, hide_input_in_errors=True)

    kind: str


@dataclass(slots=True)
class SiteInfo:
    """What a probe may know of the site it runs for (never the whole config)."""

    name: str
    url: str
    http: HttpOptions = field(default_factory=HttpOptions)
    groups: tuple[str, ...] = ()
    secret: SecretStr | None = None


@dataclass(slots=True)
class ProbeContext:
    """Everything a probe may use: shared clients, its site, its time budget, a log and a per-check memory."""

    http: HttpClient
    site: SiteInfo | None = None
    timeout: float = 10.0
    check_key: str = ""
    memory: dict[str, Any] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    clock: Callable[[], datetime] = utcnow
    services: dict[str, Any] = field(default_factory=dict)

    def debug(self, message: str) -> None:
        """Note a step; `sitewarden check NAME` prints these under the result."""
        self.log.append(message)

    @property
    def http_options(self) -> HttpOptions:
        return self.site.http if self.site is not None else HttpOptions()


P = TypeVar("P", bound=ProbeParams)


class Probe(Generic[P]):
    """Base class: subclasses set `kind`, `params` and `pool`, and implement `run`."""

    kind: ClassVar[str]
    params: ClassVar[type[ProbeParams]]
    pool: ClassVar[str] = "network"

    async def run(self, params: P, ctx: ProbeContext) -> Result:
        raise NotImplementedError(f"{type(self).__name__}.run")


def merged_http_options(site: HttpOptions, override: HttpOptions | None) -> HttpOptions:
    """The site's HTTP options with the fields a check set explicitly laid over them."""
    if override is None:
        return site
    changes = {name: getattr(override, name) for name in override.model_fields_set}
    if "headers" in changes:
        changes["headers"] = {**site.headers, **override.headers}
    return site.model_copy(update=changes)


def resolve_url(url: str | None, site: SiteInfo | None) -> str:
    """An absolute URL from a check's `url` (absolute, or a path below the site's URL) or the site's own URL."""
    from urllib.parse import urljoin

    if url is None:
        if site is None:
            raise ValueError("no url given and the check belongs to no site")
        return site.url
    if site is not None and not url.startswith(("http://", "https://")):
        return urljoin(site.url if site.url.endswith("/") else site.url + "/", url.lstrip("/"))
    return url
