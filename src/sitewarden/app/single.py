"""`sitewarden check NAME`: run one check now, outside the schedule, without touching its stored state."""

from __future__ import annotations

import copy
from typing import Any

from sitewarden.app.daemon import build_services, run_async
from sitewarden.config.kinds import check_kinds
from sitewarden.config.models import Config
from sitewarden.config.plan import CheckSpec, plan_checks, site_info
from sitewarden.engine.runner import run_probe
from sitewarden.errors import NotFound
from sitewarden.probes.base import ProbeContext
from sitewarden.results import Result
from sitewarden.store.checks import check_ids_by_key
from sitewarden.store.database import Database, open_database
from sitewarden.store.states import load_states
from sitewarden.transport.http import HttpClient


def find_check(config: Config, name: str) -> CheckSpec:
    """A check by key (`site/check`), or by name when only one check has it."""
    specs = plan_checks(config)
    exact = [spec for spec in specs if spec.key == name]
    if exact:
        return exact[0]
    named = [spec for spec in specs if spec.name == name]
    if len(named) == 1:
        return named[0]
    if named:
        keys = ", ".join(spec.key for spec in named)
        raise NotFound(f"'{name}' names several checks: {keys}", hint="use the full key site/check")
    raise NotFound(f"no check named '{name}'", hint="check keys look like site/check; see `sitewarden status`")


def run_single(config: Config, name: str) -> tuple[str, Result, list[str]]:
    spec = find_check(config, name)
    sites = {site.name: site for site in config.sites}
    site = site_info(sites[spec.site]) if spec.site else None
    probe = check_kinds()[spec.kind]()
    database = open_database(config.store.url)
    try:
        ctx = ProbeContext(
            http=HttpClient(),
            site=site,
            timeout=spec.timeout,
            check_key=spec.key,
            secrets=spec.secrets,
            memory=_stored_memory(database, spec.key),
            services=build_services(config, database),
        )

        async def main() -> Result:
            return await run_probe(probe, spec.params, ctx, None, spec.key)

        return spec.key, run_async(main), ctx.log
    finally:
        database.close()


def _stored_memory(database: Database, key: str) -> dict[str, Any]:
    """A copy of the check's memory (log offsets and such): the run sees it, but what it changes is not kept."""
    with database.transaction() as connection:
        check_id = check_ids_by_key(connection).get(key)
        states = load_states(connection, [check_id]) if check_id is not None else {}
    state = states.get(check_id) if check_id is not None else None
    return copy.deepcopy(state.memory) if state is not None else {}
