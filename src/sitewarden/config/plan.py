"""Config → the flat list of checks the engine schedules, each with its effective schedule and site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from sitewarden.config.kinds import check_kinds
from sitewarden.config.models import Config, SiteConfig
from sitewarden.probes.base import ProbeParams, SiteInfo
from sitewarden.secrets import forms, secret_fields


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
    """Every check of the config, sites first, in file order.

    Checks written the same way share one model (see `sharing.py`): what a spec derives from its model alone (the
    effective schedule, the check's own secrets) is worked out once per model, and a site's secrets once per site.
    """
    planner = _SpecMaker(config)
    specs: list[CheckSpec] = []
    for site in config.sites:
        site_secrets = tuple(secret_fields(site_info(site)))
        specs.extend(planner.spec(check, site.name, site_secrets) for check in site.checks)
    specs.extend(planner.spec(check, None, ()) for check in config.checks)
    return specs


def site_info(site: SiteConfig) -> SiteInfo:
    return SiteInfo(name=site.name, url=site.url, http=site.http, groups=tuple(site.groups), secret=site.secret)


class _SpecMaker:
    """Builds specs, remembering per check model what depends on the model alone."""

    def __init__(self, config: Config) -> None:
        self.defaults = config.defaults
        self.kinds = check_kinds()
        self.derived: dict[int, tuple[Any, ...]] = {}  # id(model) → (name, schedule…, secret fields); models live on

    def spec(self, check: Any, site: str | None, site_secrets: tuple[SecretStr, ...]) -> CheckSpec:
        derived = self.derived.get(id(check))
        if derived is None:
            derived = self.derived[id(check)] = self._derive(check)
        name, interval, retry_interval, timeout, failure, success, own_secrets = derived
        return CheckSpec(
            key=check_key(site, name),
            site=site,
            name=name,
            kind=check.kind,
            params=check,
            interval=interval,
            retry_interval=retry_interval,
            timeout=timeout,
            failure_threshold=failure,
            success_threshold=success,
            enabled=check.enabled,
            secrets=forms(*own_secrets, *site_secrets) if own_secrets or site_secrets else (),
        )

    def _derive(self, check: Any) -> tuple[Any, ...]:
        defaults = self.defaults
        least = self.kinds[check.kind].least_interval

        def pick(field: str, floor: bool = False) -> Any:
            value = getattr(check, field)
            if value is not None:
                return value
            value = getattr(defaults, field)
            return value if least is None or not floor else max(value, least)  # a kind's least interval

        return (
            check.name or check.kind,
            pick("interval", floor=True),
            pick("retry_interval", floor=True),
            pick("timeout"),
            pick("failure_threshold"),
            pick("success_threshold"),
            tuple(secret_fields(check)),
        )
