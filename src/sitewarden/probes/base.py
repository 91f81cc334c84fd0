"""The probe contract: a kind, a params model, a pool, and one `run` that turns any outcome into a Result.

The engine owns timing, timeouts, retries, pools and state; a probe does its one job and returns. Exceptions are
for bugs only: the runner turns one into `unknown` ("internal error in probe <kind>") and logs the traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr

from sitewarden.results import FailureClass, Result, utcnow
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
    secrets: tuple[str, ...] = ()
    """The forms of the secrets this run was given; the runner blanks them in the result and the log."""

    def debug(self, message: str) -> None:
        """Note a step; `sitewarden check NAME` prints these under the result."""
        self.log.append(message)

    @property
    def http_options(self) -> HttpOptions:
        return self.site.http if self.site is not None else HttpOptions()


P = TypeVar("P", bound=ProbeParams)


@dataclass(frozen=True, slots=True)
class PushWindow:
    """How pushes find a check (its ping uuid; None: one is made and kept) and how late they may come."""

    uuid: str | None
    period: float
    grace: float


@dataclass(frozen=True, slots=True)
class DocumentPush:
    """A check that sites push whole documents to (`POST /push/<site>/<check>`): its token and expected period."""

    token: str
    period: float
    grace: float
    flavour: str = "spec"


class Probe(Generic[P]):
    """Base class: subclasses set `kind`, `params` and `pool`, declare their capabilities, and implement `run`.

    The core never tests a kind's name: it asks the registered class for these capabilities instead.
    """

    kind: ClassVar[str]
    params: ClassVar[type[ProbeParams]]
    pool: ClassVar[str] = "network"
    """Which concurrency pool a run takes a slot from: `network`, `subprocess` or `ssh`."""
    accepts_pushes: ClassVar[bool] = False
    """Outside jobs push to it (a ping URL): its `push_window` is registered before the first run."""
    yields_certificate: ClassVar[bool] = False
    """It judges a certificate: its state changes are `certificate` events, its `days_left` metric is reported."""
    yields_domain_expiry: ClassVar[bool] = False
    """Its `days_left` metric is a domain registration's: shown beside certificates in the overview and reports."""
    least_interval: ClassVar[float | None] = None
    """Seconds between runs when the check sets no interval (`defaults.interval` is raised to it): slow sources."""
    counts_toward_sla: ClassVar[bool] = True
    """Its confirmed `error` is downtime in SLA figures (false for expiry checks such as `domain`)."""
    allowed_from_api: ClassVar[bool] = True
    """The API and site imports may define it; kinds that run programs or reach hosts by ssh stay in the config file."""
    site_relative_url: ClassVar[bool] = False
    """Its `url` defaults to the site's and may be a path below it, so outside a site it must be absolute."""
    import_name: ClassVar[str | None] = None
    """The check name a site import gives it when the row names none (default: the kind)."""
    import_columns: ClassVar[tuple[str, ...]] = ()
    """Columns of a CSV site import that are copied into its params when set."""
    failure_class: ClassVar[FailureClass] = FailureClass.CHECK
    """The failure class of a non-ok result that names none (the runner fills it in)."""

    async def run(self, params: P, ctx: ProbeContext) -> Result:
        raise NotImplementedError(f"{type(self).__name__}.run")

    @classmethod
    def push_window(cls, params: ProbeParams) -> PushWindow:
        """Where pushes for a check with these params go and how late they may be (kinds with `accepts_pushes`)."""
        raise NotImplementedError(f"{cls.__name__}.push_window")

    @classmethod
    def document_push(cls, params: ProbeParams) -> DocumentPush | None:
        """The token and period when a check with these params is pushed to rather than polled (None: polled)."""
        return None

    @classmethod
    def problems_outside_site(cls, params: ProbeParams) -> list[tuple[tuple[str, ...], str]]:
        """(path below the check, message) for what a check of this kind lacks when it belongs to no site."""
        if not cls.site_relative_url:
            return []
        url = getattr(params, "url", None)
        if url is None:
            return [((), f"a check of kind '{cls.kind}' outside a site needs a 'url'")]
        if not str(url).startswith(("http://", "https://")):
            return [(("url",), "a check outside a site needs an absolute http:// or https:// URL")]
        return []


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
        base = site.url if site.url.endswith("/") else site.url + "/"
        path = url.lstrip("/")
        segments = path.split("?", 1)[0].split("/")
        if "?" in base or "#" in base or "." in segments or ".." in segments:  # rare: let urljoin decide
            return urljoin(base, path)
        return base + path  # the join of a plain path below a directory URL, without urljoin's cost on every run
    return url


def site_host(site: SiteInfo | None) -> str | None:
    """The host name of the site a check belongs to: the default target of host-level probes (tcp, dns, ssh)."""
    return urlsplit(site.url).hostname if site else None
