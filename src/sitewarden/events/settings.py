"""Config sections of notifications: `targets`, `maintenance`, `silences`, `reports`, `notifications`, `smtp`.

Handler and processor models are derived from their registries (HANDLERS, PROCESSORS), never listed by hand here.
"""

from __future__ import annotations

import difflib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from sitewarden.durations import Duration
from sitewarden.events.calendar import Recurrence, RecurrenceField, ZoneName
from sitewarden.events.handlers import HANDLERS
from sitewarden.events.levels import EventTypeName, SeverityLevel
from sitewarden.events.model import Severity
from sitewarden.events.processors import PROCESSORS
from sitewarden.events.processors.group import GroupParams
from sitewarden.events.smtp import SmtpConfig
from sitewarden.names import NAME_PATTERN

__all__ = ["SmtpConfig", "TargetConfig", "MaintenanceWindow", "Silence", "ReportsConfig", "NotificationSettings"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _known_kind(family: str, registry: dict[str, Any]) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, dict) and "kind" in value and value["kind"] not in registry:
            kind = str(value["kind"])
            close = difflib.get_close_matches(kind, list(registry), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else "known kinds: " + ", ".join(sorted(registry))
            raise ValueError(f"unknown {family} kind '{kind}' ({hint})")
        return value

    return BeforeValidator(check)


HANDLER_MODELS = tuple(cls.params for cls in HANDLERS.values())
PROCESSOR_MODELS = tuple(cls.params for cls in PROCESSORS.values())
if TYPE_CHECKING:
    HandlerConfig: TypeAlias = Any
    ProcessorConfig: TypeAlias = Any
else:
    HandlerConfig = Annotated[
        Union[HANDLER_MODELS], Field(discriminator="kind"), _known_kind("handler", HANDLERS)  # noqa: UP007
    ]
    ProcessorConfig = Annotated[
        Union[PROCESSOR_MODELS], Field(discriminator="kind"), _known_kind("processor", PROCESSORS)  # noqa: UP007
    ]


class MatchConfig(_Section):
    """Which events a target takes: a list is OR, several keys are AND; an empty list matches everything."""

    types: list[EventTypeName] = Field(default_factory=list, description="Event types (availability, security, …).")
    channels: list[str] = Field(
        default_factory=list,
        description="Channels with * and ? wildcards; a name without wildcards also takes its children (site.shop).",
    )
    min_severity: SeverityLevel = Field(default=Severity.INFO, description="Least severe event taken.")
    groups: list[str] = Field(default_factory=list, description="Site groups; the event's site must be in one.")
    sites: list[str] = Field(default_factory=list, description="Site names.")


class TargetConfig(_Section):
    """A routing rule: which events (match), how they are prepared (processors), where they go (handlers)."""

    name: str = Field(pattern=NAME_PATTERN, description="Unique name; deliveries are recorded under it.")
    match: MatchConfig = Field(default_factory=MatchConfig, description="Events this target takes.")
    processors: list[ProcessorConfig] = Field(default_factory=list, description="Run in order before sending.")
    handlers: list[HandlerConfig] = Field(min_length=1, description="Where messages go, each with its own level.")
    remind_every: Duration | None = Field(
        default=None, gt=0, description="Repeat a problem's notification this often while it lasts."
    )
    notify_recovery: bool = Field(default=True, description="Send a message when a notified problem recovers.")
    enabled: bool = Field(default=True, description="Set false to keep a target configured but send nothing.")

    @field_validator("processors")
    @classmethod
    def _one_group(cls, value: list[Any]) -> list[Any]:
        if sum(isinstance(item, GroupParams) for item in value) > 1:
            raise ValueError("a target takes at most one group processor")
        return value

    @property
    def group_wait(self) -> float | None:
        """Seconds the first event of a group waits for others; None sends every event on its own."""
        for processor in self.processors:
            if isinstance(processor, GroupParams):
                return float(processor.wait)
        return None


def _unique_names(targets: list[TargetConfig]) -> list[TargetConfig]:
    seen: set[str] = set()
    for target in targets:
        if target.name in seen:
            raise ValueError(f"target name '{target.name}' is used twice")
        seen.add(target.name)
    return targets


Targets = Annotated[list[TargetConfig], AfterValidator(_unique_names)]


class Scope(_Section):
    """What a maintenance window or silence covers: sites, groups or channels (any of them); nothing listed = all."""

    sites: list[str] = Field(default_factory=list, description="Site names.")
    groups: list[str] = Field(default_factory=list, description="Site groups.")
    channels: list[str] = Field(default_factory=list, description="Channels, with * and ? wildcards.")
    comment: str = Field(default="", description="Why, for the people reading the config.")


class MaintenanceWindow(Scope):
    """A planned window (recurring with `every`, or once from `start`) in which notifications are held back."""

    every: RecurrenceField | None = Field(default=None, description="Weekly start: 'sun 02:00', 'mon-fri 22:00'.")
    start: datetime | None = Field(default=None, description="One-off start (ISO date and time; UTC unless zoned).")
    duration: Duration = Field(gt=0, description="Length of the window: 2h, 30m.")
    timezone: ZoneName = Field(default="UTC", description="Time zone of `every`.")

    @model_validator(mode="after")
    def _one_start(self) -> MaintenanceWindow:
        if (self.every is None) == (self.start is None):
            raise ValueError("give either 'every' (recurring) or 'start' (once)")
        return self

    @field_validator("start")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return _aware(value)

    @property
    def recurrence(self) -> Recurrence | None:
        return self.every.with_zone(self.timezone) if self.every is not None else None


class Silence(Scope):
    """A one-off silence until a moment: notifications held back, events kept."""

    start: datetime | None = Field(default=None, description="From when (default: at once).")
    until: datetime = Field(description="Until when (ISO date and time; UTC unless zoned).")

    @field_validator("start", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return _aware(value)


class ClientReport(_Section):
    """The per-site report to the site's contacts."""

    every: RecurrenceField | None = Field(default=None, description="When the daemon sends it: 'mon 08:00'.")
    timezone: ZoneName = Field(default="UTC", description="Time zone of `every`.")
    only_problems: bool = Field(default=True, description="Send only to sites with something to fix.")
    attach: list[Literal["sla_pdf"]] = Field(
        default_factory=list,
        description="Files sent with each site's report: `sla_pdf`, the site's SLA report of the last full month.",
    )


class AdminReport(_Section):
    """The fleet report for the administrators."""

    to: list[str] = Field(default_factory=list, description="Recipient addresses.")
    every: RecurrenceField | None = Field(default=None, description="When the daemon sends it: 'daily 07:00'.")
    timezone: ZoneName = Field(default="UTC", description="Time zone of `every`.")


class ReportsConfig(_Section):
    """Client and admin reports: printed by `sitewarden report`, sent by it with --send or by the daemon."""

    client: ClientReport = Field(default_factory=ClientReport, description="Per-site report to its contacts.")
    admin: AdminReport = Field(default_factory=AdminReport, description="Fleet report for administrators.")
    certificate_days: int = Field(default=21, ge=0, le=365, description="Certificates expiring sooner are listed.")


class NotificationSettings(_Section):
    """How the notifier runs."""

    enabled: bool = Field(default=True, description="Set false to store events without routing them.")
    poll_interval: Duration = Field(default=2.0, gt=0, le=300, description="How often new events are read.")
    templates: Path | None = Field(
        default=None, description="Directory whose templates replace the packaged ones (same names)."
    )


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
