"""Config → the flat list of checks the engine schedules, each with its effective schedule and site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sitewarden.config.kinds import check_kinds
from sitewarden.config.models import Config, SiteConfig
from sitewarden.probes.base import ProbeParams, SiteInfo
from sitewarden.secrets import secrets_of


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One check ready to schedule: where it belongs, what it runs, and how often."""

    key: str
    site: str | None
    name: str
    kind: str
    params: ProbeParams
    interval: float
    retry_interval: float
    timeout: float
    failure_threshold: int
    success_threshold: int
    enabled: bool = True
    secrets: tuple[str, ...] = ()
    """The forms of the secrets this check is given (its params and its site's), kept out of its results."""

    @property
    def channel(self) -> str:
        """Event channel: `site.<site>.<check>`, or `check.<check>` for checks outside a site."""
        return f"site.{self.site}.{self.name}" if self.site else f"check.{self.name}"


def check_key(site: str | None, name: str) -> str:
    """The stable identity of a check: `shop/web`, or `api` for a check outside a site."""
    return f"{site}/{name}" if site else name


def plan_checks(config: Config) -> list[CheckSpec]:
    specs: list[CheckSpec] = []
    for site in config.sites:
        specs.extend(_spec(config, check, site) for check in site.checks)
    specs.extend(_spec(config, check, None) for check in config.checks)
    return specs


def site_info(site: SiteConfig) -> SiteInfo:
    return SiteInfo(name=site.name, url=site.url, http=site.http, groups=tuple(site.groups), secret=site.secret)


def _interval(check: Any, picked: float, field: str = "interval") -> float:
    """A kind's own least interval (`domain`: 12 h) applies unless the check sets one itself."""
    least = check_kinds()[check.kind].least_interval
    if least is None or getattr(check, field) is not None:
        return picked
    return max(picked, least)


def _spec(config: Config, check: Any, site: SiteConfig | None) -> CheckSpec:
    defaults = config.defaults
    name = check.name or check.kind

    def pick(field: str) -> Any:
        value = getattr(check, field)
        return getattr(defaults, field) if value is None else value

    return CheckSpec(
        key=check_key(site.name if site else None, name),
        site=site.name if site else None,
        name=name,
        kind=check.kind,
        params=check,
        interval=_interval(check, pick("interval")),
        retry_interval=_interval(check, pick("retry_interval"), "retry_interval"),
        timeout=pick("timeout"),
        failure_threshold=pick("failure_threshold"),
        success_threshold=pick("success_threshold"),
        enabled=check.enabled,
        secrets=secrets_of(check, site_info(site) if site else None),
    )
