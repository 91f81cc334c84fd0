"""Routing: which targets take an event, and what it does to the target's alert for that channel.

Channels are hierarchical like logging names: `site.shop` takes `site.shop.web`; `*` and `?` are wildcards.
A recovery goes to the targets that were told about the problem, whatever their minimum severity, and only to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sitewarden.events.channels import channel_matches
from sitewarden.events.model import Event, Severity
from sitewarden.events.settings import TargetConfig
from sitewarden.store.notifications import Alert, NewNotification

if TYPE_CHECKING:
    from sitewarden.events.maintenance import Suppressions


def target_matches(
    target: TargetConfig, event: Event, site_groups: dict[str, tuple[str, ...]], *, any_severity: bool = False
) -> bool:
    """Every key of `match` must hold; inside a key any listed value will do."""
    match = target.match
    if match.types and event.type not in match.types:
        return False
    if not any_severity and event.severity < match.min_severity:
        return False
    if match.channels and not any(channel_matches(pattern, event.channel) for pattern in match.channels):
        return False
    if match.sites and event.site not in match.sites:
        return False
    return not (match.groups and not set(match.groups) & set(site_groups.get(event.site or "", ())))


@dataclass(slots=True)
class Routed:
    """What one batch of events produced: notifications to store and alerts to save."""

    notifications: list[NewNotification] = field(default_factory=list)
    alerts: dict[int, Alert] = field(default_factory=dict)


class Router:
    """Applies the targets to events in id order, keeping each target's alert per channel up to date."""

    def __init__(self, targets: Sequence[TargetConfig], site_groups: dict[str, tuple[str, ...]]) -> None:
        self.targets = [target for target in targets if target.enabled]
        self.site_groups = site_groups

    def route(
        self,
        batch: Sequence[Event],
        alerts: dict[tuple[str, str], Alert],
        now: datetime,
        suppressions: Suppressions,
        *,
        deliver: bool = True,
    ) -> Routed:
        """Notifications for a batch of events (in id order); `alerts` is updated in place."""
        routed = Routed()
        for event in batch:
            held = suppressions.reason(event.site, event.channel, event.created_at) is not None
            for target in self.targets:
                self._route_one(target, event, alerts, now, held, deliver, routed)
        return routed

    def _route_one(
        self,
        target: TargetConfig,
        event: Event,
        alerts: dict[tuple[str, str], Alert],
        now: datetime,
        held: bool,
        deliver: bool,
        routed: Routed,
    ) -> None:
        assert event.id is not None
        if event.payload.get("failed_target") == target.name:
            return  # never report a target's own delivery failure through it
        payload = event.payload
        alert = alerts.get((target.name, event.channel))
        if "recovery" in payload and payload.get("new") == "ok":
            if alert is not None and alert.is_open:
                alert.is_open = False
                self._keep(alert, routed)
                if (
                    alert.notified
                    and target.notify_recovery
                    and target_matches(target, event, self.site_groups, any_severity=True)
                ):
                    state = "suppressed" if held else "pending"
                    self._emit(target, event, alert.severity, now, deliver, routed, state=state)
            elif payload.get("recovery") is not True and target_matches(target, event, self.site_groups):
                state = "suppressed" if held else "pending"
                self._emit(target, event, event.severity, now, deliver, routed, state=state)
            return
        if not target_matches(target, event, self.site_groups):
            return
        if "recovery" in payload:
            if alert is None:
                alert = Alert(target.name, event.channel, event.site, False, event.severity, event.id, now)
                alerts[(target.name, event.channel)] = alert
            if not alert.is_open:
                alert.is_open, alert.opened_at, alert.notified, alert.reminders = True, now, False, 0
            alert.severity, alert.event_id = event.severity, event.id
            if not held:
                alert.notified, alert.last_notified_at = True, now
            self._keep(alert, routed)
        state = "suppressed" if held else "pending"
        self._emit(target, event, event.severity, now, deliver, routed, state=state)

    def _emit(
        self,
        target: TargetConfig,
        event: Event,
        severity: int,
        now: datetime,
        deliver: bool,
        routed: Routed,
        *,
        state: str = "pending",
    ) -> None:
        assert event.id is not None
        if state == "pending" and not deliver:
            state = "skipped"
        routed.notifications.append(
            NewNotification(
                dedupe=f"{target.name}:{event.id}:event",
                target=target.name,
                event_id=event.id,
                notice="event",
                channel=event.channel,
                severity=Severity(severity),
                state=state,
                due_at=now + timedelta(seconds=target.group_wait or 0.0),
            )
        )

    @staticmethod
    def _keep(alert: Alert, routed: Routed) -> None:
        routed.alerts[id(alert)] = alert
