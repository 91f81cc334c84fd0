"""Notification test parts: a clock moved by hand, configs from YAML, events as the engine writes them."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from typing import Any

from sitewarden.config.loader import parse_config
from sitewarden.config.models import Config
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events

T0 = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)  # a Monday


class Clock:
    """A clock tests move forward; `sleep` advances it instead of waiting."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)


def config_from(yaml_text: str, store_url: str, sites: int = 0, groups: tuple[str, ...] = ("customers",)) -> Config:
    """A config from YAML text, with `sites` generated sites (site000 …) and the given store."""
    text = textwrap.dedent(yaml_text)
    text += f"\nstore: {{url: '{store_url}'}}\n"
    if sites:
        text += "sites:\n" + "".join(
            f"  - {{name: site{index:03d}, url: 'http://127.0.0.1:9/', groups: [{', '.join(groups)}],"
            f" contacts: [owner{index}@example.org]}}\n"
            for index in range(sites)
        )
    return parse_config(text, "test.yaml")


def state_event(site: str, new: str, old: str = "ok", *, at: datetime = T0, check: str = "web") -> Event:
    """An availability event as the engine writes it for a hard state change."""
    recovery = new == "ok" and old != "ok"
    severity = {"ok": Severity.INFO, "warning": Severity.WARNING, "error": Severity.ERROR}[new]
    message = f"{site}/{check} recovered: ok" if recovery else f"{site}/{check} is {new} (was {old}): status 503"
    payload: dict[str, Any] = {"check_key": f"{site}/{check}", "old": old, "new": new, "recovery": recovery}
    return Event(EventType.AVAILABILITY, severity, f"site.{site}.{check}", message, payload, site, check, at)


def plain_event(kind: EventType, severity: Severity, site: str = "site000", *, at: datetime = T0) -> Event:
    """A stateless event (security advisory, update, system fact)."""
    return Event(
        kind, severity, f"site.{site}.inventory", f"{kind.value} {severity.label} on {site}", {}, site, None, at
    )


def store_events(database: Database, events: list[Event]) -> list[int]:
    with database.transaction() as connection:
        return insert_events(connection, events)
