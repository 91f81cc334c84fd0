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
from sitewarden.config.overlay import with_store_sites
from sitewarden.config.plan import CheckSpec, plan_checks, site_info
from sitewarden.engine.state import new_state
from sitewarden.probes.base import Probe, SiteInfo
from sitewarden.states import CheckState
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database
from sitewarden.store.heartbeats import HeartbeatSpec, sync_heartbeats
from sitewarden.store.sites import site_definitions_list
from sitewarden.store.states import load_states


@dataclass
class PlannedCheck:
    """A check with everything needed to run it: spec, probe instance, site, id and live state."""

    spec: CheckSpec
    probe: Probe[Any]
    site: SiteInfo | None
    check_id: int
    state: CheckState
    due: float = 0.0


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
        """The config file's sites plus the store-defined ones (API, `sites import`)."""
        with self.database.transaction() as connection:
            definitions = site_definitions_list(connection)
        self.store_sites = {str(definition.get("name")) for definition in definitions}
        return with_store_sites(self.base_config, definitions)

    def sync(self, known: set[str], now: datetime) -> Plan:
        """Blocking: read the store's sites, mirror every check into the store, load the states of new checks."""
        config = self.effective_config()
        all_specs = plan_checks(config)
        specs = [spec for spec in all_specs if spec.enabled and _selected(spec, self.only)]
        with self.database.transaction() as connection:
            site_rows = _site_rows(config, self.store_sites)
            ids = sync_config(connection, site_rows, _check_rows(all_specs, self.store_sites), now)
            pushed = push_specs(all_specs)
            if pushed:  # a heartbeat added through the API gets its ping URL on the reload that schedules it
                sync_heartbeats(connection, pushed, now)
            fresh = [ids[spec.key] for spec in specs if spec.key not in known]
            states = load_states(connection, fresh) if fresh else {}
        return Plan(config, specs, ids, states, now)


def push_specs(specs: Sequence[CheckSpec]) -> list[HeartbeatSpec]:
    """The ping windows of the checks that outside jobs push to (heartbeats), whatever site defined them."""
    kinds = check_kinds()
    windows = [
        (spec.key, kinds[spec.kind].push_window(spec.params)) for spec in specs if kinds[spec.kind].accepts_pushes
    ]
    return [HeartbeatSpec(key, window.uuid, window.period, window.grace) for key, window in windows]


def build_checks(plan: Plan, current: dict[str, PlannedCheck]) -> dict[str, PlannedCheck]:
    """The runnable checks of a plan; a check already planned keeps its object, so a run in progress stays valid."""
    kinds = check_kinds()
    sites = {site.name: site for site in plan.config.sites}
    planned: dict[str, PlannedCheck] = {}
    for spec in plan.specs:
        check_id = plan.ids[spec.key]
        old = current.get(spec.key)
        site = site_info(sites[spec.site]) if spec.site else None
        if old is not None:
            if old.spec.kind != spec.kind:
                old.probe = kinds[spec.kind]()
            old.spec, old.site, old.check_id = spec, site, check_id
            planned[spec.key] = old
            continue
        planned[spec.key] = PlannedCheck(
            spec=spec,
            probe=kinds[spec.kind](),
            site=site,
            check_id=check_id,
            state=plan.states.get(check_id) or new_state(plan.at),
        )
    return planned


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
    return [
        CheckRow(
            source="api" if spec.site in store_sites else "config",
            key=spec.key,
            site=spec.site,
            name=spec.name,
            kind=spec.kind,
            params=spec.params.model_dump(mode="json", exclude_none=True),
            interval=spec.interval,
        )
        for spec in specs
    ]
