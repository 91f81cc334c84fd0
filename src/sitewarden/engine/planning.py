"""Plan sync: the config file's and the store's sites become runnable checks, mirrored into the store.

Everything here blocks on the database; the engine calls it before its loop starts or from a worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sitewarden.config.kinds import check_kinds
from sitewarden.config.models import Config
from sitewarden.config.overlay import with_group_edits, with_store_sites
from sitewarden.config.plan import CheckSpec, plan_checks, site_info
from sitewarden.engine.state import new_state
from sitewarden.memory import release
from sitewarden.probes.base import Probe, SiteInfo
from sitewarden.states import CheckState
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database
from sitewarden.store.heartbeats import HeartbeatSpec, sync_heartbeats
from sitewarden.store.pushes import PushSpec, sync_pushes
from sitewarden.store.site_groups import group_edits
from sitewarden.store.sites import site_definitions_list
from sitewarden.store.states import load_states


@dataclass(slots=True)
class PlannedCheck:
    """A check with everything needed to run it: spec, probe instance, site, id and live state."""

    spec: CheckSpec
    probe: Probe[Any]
    site: SiteInfo | None
    check_id: int
    state: CheckState
    due: float = 0.0
    sampled_at: float = float("-inf")  # when an ok result of this check was last stored in full (monotonic)


@dataclass(frozen=True)
class Plan:
    """What one sync read and wrote: the effective config, the selected specs, check ids and stored states."""

    config: Config
    specs: list[CheckSpec]
    ids: dict[str, int]
    states: dict[int, CheckState]
    at: datetime


class Planner:
    """Builds the checks one engine runs (the `only` selection applied) and keeps the store's rows in step."""

    def __init__(self, base_config: Config, database: Database, only: Sequence[str] = ()) -> None:
        self.base_config = base_config
        self.database = database
        self.only = tuple(only)
        self.store_sites: set[str] = set()

    def effective_config(self) -> Config:
        """The config file's sites plus the store-defined ones (API, `sites import`), with bulk group edits."""
        with self.database.transaction() as connection:
            definitions = site_definitions_list(connection)
            edits = group_edits(connection)
        self.store_sites = {str(definition.get("name")) for definition in definitions}
        return with_group_edits(with_store_sites(self.base_config, definitions), edits)

    def sync(self, known: set[str], now: datetime) -> Plan:
        """Blocking: read the store's sites, mirror every check into the store, load the states of new checks."""
        config = self.effective_config()
        all_specs = plan_checks(config)
        specs = [spec for spec in all_specs if spec.enabled and _selected(spec, self.only)]
        with self.database.transaction() as connection:
            site_rows = _site_rows(config, self.store_sites)
            check_rows = _check_rows(all_specs, self.store_sites)
            ids = sync_config(connection, site_rows, check_rows, now)
            release(check_rows)  # in a reload's thread: freed a slice at a time, the loop gets its turns
            pushed = push_specs(all_specs)
            if pushed:  # a heartbeat added through the API gets its ping URL on the reload that schedules it
                sync_heartbeats(connection, pushed, now)
            sync_pushes(connection, document_push_specs(all_specs), now)
            fresh = [ids[spec.key] for spec in specs if spec.key not in known]
            states = load_states(connection, fresh) if fresh else {}
        return Plan(config, specs, ids, states, now)


@dataclass
class CheckDiff:
    """What a reload changes: new checks, checks whose definition changed (with it), and removed keys."""

    added: dict[str, PlannedCheck]
    changed: list[tuple[PlannedCheck, CheckSpec, SiteInfo | None, int, Probe[Any]]]
    removed: list[str]


def push_specs(specs: Sequence[CheckSpec]) -> list[HeartbeatSpec]:
    """The ping windows of the checks that outside jobs push to (heartbeats), whatever site defined them."""
    kinds = check_kinds()
    windows = [
        (spec.key, kinds[spec.kind].push_window(spec.params)) for spec in specs if kinds[spec.kind].accepts_pushes
    ]
    return [HeartbeatSpec(key, window.uuid, window.period, window.grace) for key, window in windows]


def document_push_specs(specs: Sequence[CheckSpec]) -> list[PushSpec]:
    """The checks that sites push whole documents to (`cms_health` with `mode: push`), with their tokens."""
    kinds = check_kinds()
    found = []
    for spec in specs:
        push = kinds[spec.kind].document_push(spec.params)
        if push is not None:
            found.append(PushSpec(spec.key, push.token, push.period, push.grace, push.flavour))
    return found


def build_checks(plan: Plan, current: dict[str, PlannedCheck]) -> dict[str, PlannedCheck]:
    """The runnable checks of a plan; a check already planned keeps its object, so a run in progress stays valid."""
    diff = diff_checks(plan, current)
    removed = set(diff.removed)
    planned = {key: check for key, check in current.items() if key not in removed}
    apply_diff(planned, diff)
    return planned


def diff_checks(plan: Plan, current: dict[str, PlannedCheck]) -> CheckDiff:
    """Compare a plan with the checks running now; pure, so a reload computes it in a thread.

    Probes hold no per-check state, so one instance per kind serves the whole fleet (the tls probe's SSL contexts
    are then one per CA set, not one per check); one SiteInfo per site serves all of that site's checks.
    """
    kinds = check_kinds()
    probes: dict[str, Probe[Any]] = {}
    for check in current.values():
        probes.setdefault(check.spec.kind, check.probe)
    sites = {site.name: site_info(site) for site in plan.config.sites}
    diff = CheckDiff({}, [], [])
    wanted: set[str] = set()
    for spec in plan.specs:
        wanted.add(spec.key)
        check_id = plan.ids[spec.key]
        site = sites[spec.site] if spec.site else None
        probe = probes.get(spec.kind)
        if probe is None:
            probe = probes[spec.kind] = kinds[spec.kind]()
        old = current.get(spec.key)
        if old is None:
            state = plan.states.get(check_id) or new_state(plan.at)
            diff.added[spec.key] = PlannedCheck(spec=spec, probe=probe, site=site, check_id=check_id, state=state)
        elif old.spec != spec or old.site != site or old.check_id != check_id:
            diff.changed.append((old, spec, site, check_id, probe))
    diff.removed = [key for key in current if key not in wanted]
    return diff


def apply_diff(checks: dict[str, PlannedCheck], diff: CheckDiff) -> None:
    """Apply a diff in place: the cost follows the number of changes, not the size of the fleet."""
    for key in diff.removed:
        checks.pop(key, None)
    for old, spec, site, check_id, probe in diff.changed:
        old.spec, old.site, old.check_id, old.probe = spec, site, check_id, probe
    checks.update(diff.added)


def _selected(spec: CheckSpec, only: Sequence[str]) -> bool:
    if not only:
        return True
    return any(name in (spec.key, spec.site, spec.name) for name in only)


def _site_rows(config: Config, store_sites: set[str]) -> list[SiteRow]:
    return [
        SiteRow(
            site.name, site.url, list(site.groups), list(site.contacts), "api" if site.name in store_sites else "config"
        )
        for site in config.sites
    ]


def _check_rows(specs: list[CheckSpec], store_sites: set[str]) -> list[CheckRow]:
    dumps: dict[int, dict[str, Any]] = {}  # checks written the same way share one params model: dumped once
    rows = []
    for spec in specs:
        params = dumps.get(id(spec.params))
        if params is None:
            params = dumps[id(spec.params)] = spec.params.model_dump(mode="json", exclude_none=True)
        source = "api" if spec.site in store_sites else "config"
        rows.append(
            CheckRow(
                spec.key, spec.site, spec.name, spec.kind, params, spec.interval, source,
                spec.failure_threshold, spec.success_threshold,
            )
        )  # fmt: skip
    return rows
