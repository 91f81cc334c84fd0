"""Bulk actions on many sites: pause, resume, run now, acknowledge, maintenance, groups, a message to the contacts.

One use case for the CLI, the API and the dashboard. `plan_bulk` says what would change (the preview, `--dry-run`);
`apply_bulk` makes exactly those sites change in the caller's one transaction, with one audit record, so a
failure at any site (one removed since the preview, say) leaves nothing changed. Engine actions go through the
same command queue as a single check's buttons, so the engine picks them up the same way.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sitewarden.app.database import Session, store_session
from sitewarden.app.fleet import query_fleet
from sitewarden.durations import parse_duration
from sitewarden.errors import Conflict, NotFound, UsageError
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.results import utcnow
from sitewarden.store.audit import AuditEntry, record_audit
from sitewarden.store.batches import chunked
from sitewarden.store.bulk import (
    CheckFacts,
    active_site_names,
    checks_of_sites,
    contacts_of_sites,
    groups_of_sites,
    hold_sites,
)
from sitewarden.store.commands import request_command, request_commands
from sitewarden.store.events import insert_events
from sitewarden.store.maintenance import add_windows
from sitewarden.store.site_groups import edit_group

ACTIONS = ("pause", "resume", "run_now", "acknowledge", "maintenance", "add_group", "remove_group", "notify")
CHECK_ACTIONS = ("pause", "resume", "run_now", "acknowledge")
GROUP_ACTIONS = ("add_group", "remove_group")
GROUP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")
MAX_MESSAGE = 2000
MAX_REASON = 500
AUDIT_NAMES = 500
"""At most this many site names go into the audit record's detail (the count is always there)."""
APPLY_CHUNK = 1_000
"""Sites held and changed per round of statements; a failure in any round rolls back the rounds before it."""


@dataclass(frozen=True, slots=True)
class BulkRequest:
    """What to do (ACTIONS) and to which sites: a fleet query or a list of names, never both."""

    action: str
    query: str | None = None
    sites: tuple[str, ...] = ()
    reason: str = ""
    ends_at: datetime | None = None
    group: str | None = None
    message: str | None = None

    def validate(self, now: datetime) -> None:
        """Refuse what cannot be done as asked, before anything is read or written."""
        if self.action not in ACTIONS:
            raise UsageError(f"unknown bulk action '{self.action}'", hint=f"one of {', '.join(ACTIONS)}")
        if (self.query is None) == (not self.sites):
            raise UsageError("name the sites with a query or with a list of names (one of the two)")
        if self.query is not None and not self.query.strip():
            raise UsageError("an empty query names no sites", hint="to act on every site, say so: --query 'name:*'")
        if self.action == "maintenance":
            if self.ends_at is None:
                raise UsageError("a maintenance window needs an end (e.g. --until 2h or 2026-05-01T22:00)")
            if self.ends_at <= now:
                raise UsageError("the maintenance window must end in the future")
            if not self.reason.strip():
                raise UsageError("a maintenance window needs a reason")
            if len(self.reason) > MAX_REASON:
                raise UsageError(f"the reason is longer than {MAX_REASON} characters")
        if self.action in GROUP_ACTIONS and not GROUP_NAME.match(self.group or ""):
            raise UsageError("a group name is letters, digits and . _ : - (up to 100 characters)")
        if self.action == "notify":
            if not (self.message or "").strip():
                raise UsageError("a message to the contacts needs its text")
            if len(self.message or "") > MAX_MESSAGE:
                raise UsageError(f"the message is longer than {MAX_MESSAGE} characters")


@dataclass(slots=True)
class BulkPlan:
    """The sites a bulk action covers and, per site, what it changes there (empty: nothing to do)."""

    request: BulkRequest
    sites: list[str]
    changes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed_sites(self) -> list[str]:
        return [site for site in self.sites if self.changes.get(site)]

    @property
    def change_count(self) -> int:
        return sum(len(items) for items in self.changes.values())

    def as_dict(self, *, applied: bool) -> dict[str, Any]:
        return {
            "action": self.request.action,
            "query": self.request.query,
            "applied": applied,
            "sites": len(self.sites),
            "changed_sites": len(self.changed_sites),
            "changes": self.change_count,
            "items": [{"site": site, "changes": self.changes.get(site, [])} for site in self.sites],
        }


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts and from where, for the commands, windows and the audit record."""

    name: str
    address: str = "-"
    via: str = "cli"


def plan_bulk(connection: Session, request: BulkRequest, now: datetime) -> BulkPlan:
    """Resolve the sites and say what would change on each; reads only."""
    request.validate(now)
    names = _resolve(connection, request)
    checks = checks_of_sites(connection, names) if request.action in CHECK_ACTIONS else {}
    groups = groups_of_sites(connection, names) if request.action in GROUP_ACTIONS else {}
    plan = BulkPlan(request, names)
    for name in names:
        plan.changes[name] = _site_changes(request, name, checks.get(name, []), groups.get(name, []))
    return plan


def apply_bulk(connection: Session, plan: BulkPlan, actor: Actor, now: datetime) -> BulkPlan:
    """Make the planned sites change, in the caller's transaction, and record one audit entry.

    The changes are worked out again from what is stored now (a check paused since the preview is not paused
    twice); a planned site that is gone fails the whole action, so nothing is half done.
    """
    request = plan.request
    checks = checks_of_sites(connection, plan.sites) if request.action in CHECK_ACTIONS else {}
    contacts = contacts_of_sites(connection, plan.sites) if request.action == "notify" else {}
    done = BulkPlan(request, list(plan.sites))
    for chunk in chunked(plan.sites, APPLY_CHUNK):
        held = hold_sites(connection, chunk)
        gone = next((name for name in chunk if name not in held), None)
        if gone is not None:
            raise Conflict(
                f"site '{gone}' was removed or deactivated since the sites were chosen; nothing was changed",
                hint="run the action again to act on the sites as they are now",
            )
        done.changes.update(_apply_chunk(connection, request, list(chunk), checks, contacts, actor, now))
    if request.action in GROUP_ACTIONS and done.changed_sites:
        # Routing by group follows the engine's effective config: a reload makes the edit count there too.
        request_command(connection, "*", "reload", now, requested_by=actor.name)
    detail: dict[str, Any] = {
        "via": actor.via,
        "query": request.query,
        "count": len(done.sites),
        "changed": len(done.changed_sites),
        "changes": done.change_count,
        "sites": done.sites[:AUDIT_NAMES],
        **_parameters(request),
    }
    target = f"query {request.query}" if request.query is not None else f"{len(done.sites)} sites"
    record_audit(connection, AuditEntry(actor.name, actor.address, f"bulk.{request.action}", target, now, detail))
    return done


def site_set_fingerprint(names: Sequence[str]) -> str:
    """`COUNT:HASH` of a set of site names (sorted, SHA-256): a preview hands it on instead of the names themselves."""
    digest = hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()
    return f"{len(names)}:{digest[:32]}"


def apply_previewed(
    connection: Session, request: BulkRequest, fingerprint: str, actor: Actor, now: datetime
) -> BulkPlan:
    """Apply a query's action if the query still names exactly the previewed sites (`site_set_fingerprint`).

    The dashboard's confirmation carries the query and the fingerprint, not 10,000 names. A set that changed in
    between (a site added, removed, or no longer matching) is refused with Conflict and nothing changes, as a site
    removed between the CLI's preview and its confirmation fails the whole action.
    """
    plan = plan_bulk(connection, request, now)
    if site_set_fingerprint(plan.sites) != fingerprint:
        raise Conflict(
            f"the sites matching the query changed since the preview ({_set_change(fingerprint, len(plan.sites))}); "
            "nothing was changed: preview the action again to see what it would change now"
        )
    return apply_bulk(connection, plan, actor, now)


def _set_change(fingerprint: str, now: int) -> str:
    then = fingerprint.partition(":")[0]
    if not then.isdigit():
        return f"{now} sites now"
    if int(then) == now:
        return f"{now} sites then and now, but not the same ones"
    return f"{then} sites then, {now} now"


def bulk(connection: Session, request: BulkRequest, actor: Actor, now: datetime, *, dry_run: bool) -> BulkPlan:
    """Plan and, unless `dry_run`, apply in the same transaction (the API and scripts with `--yes`)."""
    plan = plan_bulk(connection, request, now)
    return plan if dry_run else apply_bulk(connection, plan, actor, now)


def _resolve(connection: Session, request: BulkRequest) -> list[str]:
    if request.query is not None:
        return query_fleet(connection, request.query).names
    names = sorted(set(request.sites))
    known = active_site_names(connection, names)
    missing = [name for name in names if name not in known]
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise NotFound(f"no active site named {shown}", hint="see `sitewarden status` for the sites")
    return names


def _site_changes(request: BulkRequest, name: str, checks: Sequence[CheckFacts], groups: list[str]) -> list[str]:
    """What the action would change on one site, in words (one line per check, window, group or message)."""
    action = request.action
    if action in CHECK_ACTIONS:
        return [f"{action} {check.key}" for check in _checks_for(action, checks)]
    if action == "maintenance":
        assert request.ends_at is not None
        return [f"maintenance until {request.ends_at.isoformat(timespec='minutes')}: {request.reason}"]
    if action == "notify":
        return [f"notify the contacts of {name}"]
    if (request.group in groups) == (action == "add_group"):
        return []
    return [f"{'add' if action == 'add_group' else 'remove'} group {request.group}"]


def _checks_for(action: str, checks: Sequence[CheckFacts]) -> list[CheckFacts]:
    """The checks an engine action changes: pause the running ones, resume the paused, acknowledge the failing."""
    if action == "pause":
        return [check for check in checks if not check.paused]
    if action == "resume":
        return [check for check in checks if check.paused]
    if action == "acknowledge":
        return [check for check in checks if check.hard_status not in (None, 0)]
    return list(checks)


def _apply_chunk(
    connection: Session,
    request: BulkRequest,
    names: list[str],
    checks: dict[str, list[CheckFacts]],
    contacts: dict[str, list[str]],
    actor: Actor,
    now: datetime,
) -> dict[str, list[str]]:
    """Write one round of sites with a statement or two per action; returns the changes per site."""
    action = request.action
    if action in CHECK_ACTIONS:
        chosen = {name: _checks_for(action, checks.get(name, [])) for name in names}
        keys = [check.key for name in names for check in chosen[name]]
        request_commands(connection, keys, action, now, requested_by=actor.name)
        return {name: [f"{action} {check.key}" for check in chosen[name]] for name in names}
    if action == "maintenance":
        assert request.ends_at is not None
        add_windows(connection, names, now, request.ends_at, request.reason, actor.name, now)
        line = f"maintenance until {request.ends_at.isoformat(timespec='minutes')}: {request.reason}"
        return {name: [line] for name in names}
    if action == "notify":
        notices = [_notice(name, request.message or "", contacts.get(name, []), actor, now) for name in names]
        insert_events(connection, notices)
        return {name: [f"notify the contacts of {name}"] for name in names}
    assert request.group is not None
    changed = set(edit_group(connection, names, request.group, action == "add_group", actor.name, now))
    line = f"{'add' if action == 'add_group' else 'remove'} group {request.group}"
    return {name: [line] if name in changed else [] for name in names}


def _notice(site: str, message: str, contacts: list[str], actor: Actor, now: datetime) -> Event:
    """A one-off message to a site's contacts: a `system` event on `site.<name>.notice`, routed like any other.

    The contacts travel in the payload, so a handler can address them whichever way the site was defined.
    """
    return Event(
        type=EventType.SYSTEM,
        severity=Severity.NOTICE,
        channel=f"site.{site}.notice",
        message=message.strip(),
        payload={"action": "notify", "by": actor.name, "notice": True, "contacts": contacts},
        site=site,
        created_at=now,
    )


def _parameters(request: BulkRequest) -> dict[str, Any]:
    """The action's own parameters for the audit record (the message is kept short: it is also an event)."""
    if request.action == "maintenance":
        return {"ends_at": request.ends_at.isoformat() if request.ends_at else None, "reason": request.reason}
    if request.action in ("add_group", "remove_group"):
        return {"group": request.group}
    if request.action == "notify":
        return {"message": (request.message or "")[:200]}
    return {}


def parse_end(text: str, now: datetime) -> datetime:
    """A window's end as written by a person: a duration from now (`2h`, `1d`) or a date and time (UTC if no zone)."""
    text = text.strip()
    try:
        return now + timedelta(seconds=parse_duration(text))
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"'{text[:40]}' is neither a duration (2h) nor a date and time (2026-05-01T22:00)") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def preview_in_store(store_url: str, request: BulkRequest) -> BulkPlan:
    """`sites bulk`, first step: what would change (the store opened for one read transaction)."""
    with store_session(store_url) as connection:
        return plan_bulk(connection, request, utcnow())


def apply_in_store(store_url: str, plan: BulkPlan, actor: Actor) -> BulkPlan:
    """`sites bulk`, after the confirmation: apply exactly the previewed sites in one transaction."""
    with store_session(store_url) as connection:
        return apply_bulk(connection, plan, actor, utcnow())
