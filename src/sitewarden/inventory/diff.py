"""What changed between two snapshots of a site: one Change per item, and one `update` event per Change.

Items: the core (CMS and version together), PHP, the database (kind and version together), the web server, and
each component by kind and key (added, removed, version updated, activated or deactivated).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sitewarden.events.model import Event, EventType, Severity
from sitewarden.inventory.model import Component, InventorySnapshot

ChangeKind = Literal["added", "removed", "updated", "activated", "deactivated"]
_NAMES = {"typo3": "TYPO3", "wordpress": "WordPress", "drupal": "Drupal", "joomla": "Joomla"}


@dataclass(frozen=True, slots=True)
class Change:
    """One changed item: what it is, how it changed, and the values before and after."""

    item: str
    kind: str
    key: str
    change: ChangeKind
    old: str | None
    new: str | None

    @property
    def label(self) -> str:
        if self.kind == "core":
            return f"{_NAMES.get(self.key, self.key)} core"
        if self.kind in ("php", "database", "web_server"):
            return {"php": "PHP", "database": "database", "web_server": "web server"}[self.kind]
        return f"{self.kind} {self.key}"

    def describe(self) -> str:
        if self.change == "added":
            return f"{self.label} added" + (f" ({self.new})" if self.new else "")
        if self.change == "removed":
            return f"{self.label} removed" + (f" (was {self.old})" if self.old else "")
        if self.change in ("activated", "deactivated"):
            return f"{self.label} {self.change}"
        return f"{self.label} {self.old or 'unknown'} → {self.new or 'unknown'}"


def diff_snapshots(old: InventorySnapshot, new: InventorySnapshot) -> list[Change]:
    """Every item that differs, core and platform first, then components sorted by kind and key."""
    changes: list[Change] = []
    old_core = _core_text(old)
    new_core = _core_text(new)
    if old_core != new_core:
        changes.append(
            Change("core", "core", new.cms or old.cms or "cms", _change(old_core, new_core), old_core, new_core)
        )
    for kind, before, after in (
        ("php", old.php_version, new.php_version),
        ("database", _database(old), _database(new)),
        ("web_server", old.web_server, new.web_server),
    ):
        if before != after:
            changes.append(Change(kind, kind, kind, _change(before, after), before, after))
    before_items = {item.ident: item for item in old.components}
    after_items = {item.ident: item for item in new.components}
    for ident in sorted(before_items.keys() | after_items.keys()):
        change = _component_change(before_items.get(ident), after_items.get(ident))
        if change is not None:
            changes.append(change)
    return changes


def _core_text(snapshot: InventorySnapshot) -> str | None:
    if snapshot.cms is None:
        return None
    return f"{_NAMES[snapshot.cms]} {snapshot.cms_version}" if snapshot.cms_version else _NAMES[snapshot.cms]


def _database(snapshot: InventorySnapshot) -> str | None:
    text = " ".join(part for part in (snapshot.database_kind, snapshot.database_version) if part)
    return text or None


def _change(before: str | None, after: str | None) -> ChangeKind:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    return "updated"


def _component_change(before: Component | None, after: Component | None) -> Change | None:
    if before is None and after is not None:
        return Change(f"{after.kind}:{after.key}", after.kind, after.key, "added", None, after.version)
    if after is None and before is not None:
        return Change(f"{before.kind}:{before.key}", before.kind, before.key, "removed", before.version, None)
    assert before is not None and after is not None
    if before.version != after.version:
        return Change(f"{after.kind}:{after.key}", after.kind, after.key, "updated", before.version, after.version)
    if before.active != after.active and after.active is not None and before.active is not None:
        change: ChangeKind = "activated" if after.active else "deactivated"
        return Change(f"{after.kind}:{after.key}", after.kind, after.key, change, before.version, after.version)
    return None


def change_events(
    changes: list[Change], *, site: str | None, check: str, channel: str, snapshot_id: int, at: datetime
) -> list[Event]:
    """One `update` event per change; core and platform changes are notices, component changes info."""
    events = []
    where = site or check
    for change in changes:
        payload: dict[str, Any] = {
            "item": change.item,
            "kind": change.kind,
            "key": change.key,
            "change": change.change,
            "old": change.old,
            "new": change.new,
            "check": check,
            "snapshot_id": snapshot_id,
        }
        severity = Severity.NOTICE if change.kind in ("core", "php", "database") else Severity.INFO
        events.append(
            Event(
                type=EventType.UPDATE,
                severity=severity,
                channel=channel,
                message=f"{where}: {change.describe()}",
                payload=payload,
                site=site,
                check=check,
                created_at=at,
                dedupe_key=f"inventory:{snapshot_id}:{change.item}"[:400],
            )
        )
    return events
