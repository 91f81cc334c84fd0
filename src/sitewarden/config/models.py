"""The shape of `sitewarden.yaml`: pydantic models with defaults, descriptions and validation.

The check models are derived from the check-kind registries (see `kinds.py`), never listed by hand here.
"""

from __future__ import annotations

import copyreg
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, Union

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from sitewarden.catalog.settings import CatalogSettings
from sitewarden.config.kinds import check_kinds
from sitewarden.durations import Duration
from sitewarden.engine.settings import WorkersSettings
from sitewarden.events.settings import (
    MaintenanceWindow,
    NotificationSettings,
    ReportsConfig,
    Silence,
    SmtpConfig,
    Targets,
)
from sitewarden.names import NAME_PATTERN
from sitewarden.secrets import Secret
from sitewarden.transport.options import HttpOptions
from sitewarden.web.settings import WebSettings


class Section(BaseModel):
    """Base of every config section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, hide_input_in_errors=True)


class Defaults(Section):
    """Schedule and thresholds every check inherits unless it sets its own."""

    interval: Duration = Field(default=60.0, gt=0, description="Time between runs while the check is ok.")
    retry_interval: Duration = Field(default=20.0, gt=0, description="Time between runs while it is not ok.")
    timeout: Duration = Field(default=10.0, gt=0, description="Longest a run may take.")
    failure_threshold: int = Field(default=3, ge=1, le=100, description="Non-ok results in a row before it counts.")
    success_threshold: int = Field(default=1, ge=1, le=100, description="Ok results in a row before recovery counts.")
    jitter: Duration = Field(
        default=0.0,
        ge=0,
        description="Random delay up to this (at most half an interval) added to each run on top of its stable phase.",
    )


class CheckSchedule(Section):
    """Fields every check has, whatever its kind; unset ones come from `defaults`."""

    name: str | None = Field(
        default=None, pattern=NAME_PATTERN, description="Unique within its site; default the kind."
    )
    interval: Duration | None = Field(default=None, gt=0, description="Overrides defaults.interval.")
    retry_interval: Duration | None = Field(default=None, gt=0, description="Overrides defaults.retry_interval.")
    timeout: Duration | None = Field(default=None, gt=0, description="Overrides defaults.timeout.")
    failure_threshold: int | None = Field(default=None, ge=1, le=100, description="Overrides the default.")
    success_threshold: int | None = Field(default=None, ge=1, le=100, description="Overrides the default.")
    enabled: bool = Field(default=True, description="Set false to keep a check configured but not run.")


def _check_models() -> tuple[type[BaseModel], ...]:
    models = []
    for kind, cls in check_kinds().items():
        params = cls.params
        name = params.__name__.removesuffix("Params") + "Check"
        model = create_model(name, __base__=(CheckSchedule, params), __doc__=params.__doc__)
        model.__module__ = params.__module__
        models.append(model)
        assert kind == cls.kind
    return tuple(models)


CHECK_MODELS = _check_models()
_CHECK_MODEL_OF_KIND = {model.model_fields["kind"].default: model for model in CHECK_MODELS}


def _restore_check(kind: str, state: dict[str, Any]) -> BaseModel:
    model = _CHECK_MODEL_OF_KIND[kind]
    check = model.__new__(model)
    check.__setstate__(state)
    return check


def _reduce_check(check: Any) -> tuple[Any, ...]:
    """Check models are built at import, so pickle cannot find them by name: they travel by kind instead."""
    return _restore_check, (check.kind, check.__getstate__())


for _model in CHECK_MODELS:
    copyreg.pickle(_model, _reduce_check)
if TYPE_CHECKING:
    CheckConfig: TypeAlias = Any  # the union below is built at import time from the registries
else:
    CheckConfig = Annotated[Union[CHECK_MODELS], Field(discriminator="kind")]  # noqa: UP007


class SiteConfig(Section):
    """One monitored website or CMS install."""

    name: str = Field(pattern=NAME_PATTERN, description="Unique name; used in channels as site.<name>.<check>.")
    url: str = Field(description="Base URL, e.g. https://shop.example.org/.")
    groups: list[str] = Field(default_factory=list, description="Groups or tags (customers, sla-gold).")
    contacts: list[str] = Field(default_factory=list, description="E-mail addresses of the people responsible.")
    http: HttpOptions = Field(default_factory=HttpOptions, description="HTTP options for every request to the site.")
    secret: Secret | None = Field(default=None, description="Shared secret for client protocols (TYPO3 client).")
    checks: list[CheckConfig] = Field(default_factory=list, description="Checks of this site.")

    @field_validator("url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        return absolute_http_url(value)

    @model_validator(mode="after")
    def _checks_fit_site(self) -> SiteConfig:
        """Let a check refuse a site it cannot work with (a missing secret, a token over plain http)."""
        for index, check in enumerate(self.checks):
            fits = getattr(check, "check_site", None)
            if fits is not None:
                try:
                    fits(self)
                except ValueError as exc:
                    raise ValueError(f"checks[{index}]: {exc}") from None
        return self


class GroupSettings(Section):
    """Settings of a site group (a customer, a service level): its SLA target."""

    sla: float | None = Field(default=None, gt=0, le=100, description="Availability target in percent, e.g. 99.9.")


class RdapSettings(Section):
    """Where `domain` checks ask: per-TLD RDAP servers over the imported IANA bootstrap."""

    servers: dict[str, str] = Field(
        default_factory=dict, description="TLD → RDAP base URL, e.g. org: https://rdap.example/rdap/."
    )


class Retention(Section):
    """How long history is kept before it is pruned."""

    results: Duration = Field(default=30 * 86400.0, gt=0, description="Raw results.")
    hourly: Duration = Field(default=400 * 86400.0, gt=0, description="Hourly rollups.")
    audit: Duration = Field(default=400 * 86400.0, gt=0, description="The audit log of admin actions.")


class StoreConfig(Section):
    """Where sitewarden keeps its data."""

    url: str = Field(
        default="sqlite:///sitewarden.db",
        description="sqlite:///path (relative to the config file) or postgresql+psycopg://user@host/db.",
    )
    retention: Retention = Field(default_factory=Retention, description="History kept.")
    sample_every: Duration = Field(
        default=3600.0,
        gt=0,
        description=(
            "An ok result that repeats an ok predecessor is stored in full once per this period per check; the "
            "others are only counted in the hourly rollups (changes and non-ok results are always stored)."
        ),
    )

    @field_validator("url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("expected sqlite:///path or postgresql+psycopg://user@host/db")
        return value


class Pools(Section):
    """Most checks running at once per resource."""

    model_config = ConfigDict(extra="allow", frozen=True)

    network: int = Field(default=200, ge=1, le=10000, description="HTTP, TLS, TCP, DNS checks.")
    subprocess: int = Field(default=4, ge=1, le=256, description="Commands (Nagios plugins).")
    ssh: int = Field(default=10, ge=1, le=1000, description="SSH sessions.")

    def limits(self) -> dict[str, int]:
        return {key: int(value) for key, value in self.model_dump().items()}


class Config(Section):
    """A whole sitewarden.yaml."""

    defaults: Defaults = Field(default_factory=Defaults, description="Schedule every check inherits.")
    store: StoreConfig = Field(default_factory=StoreConfig, description="Database.")
    pools: Pools = Field(default_factory=Pools, description="Concurrency per resource.")
    workers: WorkersSettings = Field(default_factory=WorkersSettings, description="Shard leases of workers.")
    sites: list[SiteConfig] = Field(default_factory=list, description="Monitored sites with their checks.")
    groups: dict[str, GroupSettings] = Field(default_factory=dict, description="Site groups by name: SLA targets.")
    rdap: RdapSettings = Field(default_factory=RdapSettings, description="RDAP servers for domain checks.")
    checks: list[CheckConfig] = Field(default_factory=list, description="Checks that belong to no site.")
    include: list[str] = Field(
        default_factory=list,
        description="Globs (relative to this file) of files holding more `sites` and `checks`, e.g. one per customer.",
    )
    catalog: CatalogSettings = Field(default_factory=CatalogSettings, description="Release and advisory catalogue.")
    web: WebSettings = Field(default_factory=WebSettings, description="Dashboard, API and status pages.")
    targets: Targets = Field(default_factory=list, description="Notification routing: match, processors, handlers.")
    maintenance: list[MaintenanceWindow] = Field(default_factory=list, description="Windows that hold notifications.")
    silences: list[Silence] = Field(default_factory=list, description="One-off silences of notifications.")
    smtp: SmtpConfig | None = Field(default=None, description="Mail server for email handlers and reports.")
    reports: ReportsConfig = Field(default_factory=ReportsConfig, description="Client and admin reports.")
    notifications: NotificationSettings = Field(default_factory=NotificationSettings, description="Notifier.")


def absolute_http_url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{value}' is not an absolute http:// or https:// URL")
    return value


def check_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Field names (and aliases) a model accepts, for 'did you mean' hints."""
    names: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        names[name] = info
        alias = info.validation_alias
        if alias is not None and hasattr(alias, "choices"):
            for choice in alias.choices:
                if isinstance(choice, str):
                    names[choice] = info
    return names
