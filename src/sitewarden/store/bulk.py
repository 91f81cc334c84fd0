"""Reads and guards for bulk actions: the checks of many sites at once, and one site held for the change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, select

from sitewarden.store.batches import chunked
from sitewarden.store.tables import checks, sites, states


@dataclass(frozen=True, slots=True)
class CheckFacts:
    """What a bulk action needs of one check: its key, confirmed status (None: not yet) and whether it is paused."""

    key: str
    hard_status: int | None
    paused: bool


def active_site_names(connection: Connection, names: Sequence[str]) -> set[str]:
    """Which of these names are active sites (in chunks, so any number of names fits a statement)."""
    found: set[str] = set()
    for chunk in chunked(list(names)):
        query = select(sites.c.name).where(sites.c.name.in_(chunk), sites.c.active.is_(True))
        found.update(name for (name,) in connection.execute(query))
    return found


def checks_of_sites(connection: Connection, names: Sequence[str]) -> dict[str, list[CheckFacts]]:
    """The active checks of these sites with their state, by site name, ordered by key."""
    found: dict[str, list[CheckFacts]] = {}
    for chunk in chunked(list(names)):
        query = (
            select(sites.c.name, checks.c.key, states.c.hard_status, states.c.paused)
            .join(checks, checks.c.site_id == sites.c.id)
            .outerjoin(states, states.c.check_id == checks.c.id)
            .where(sites.c.name.in_(chunk), checks.c.active.is_(True))
            .order_by(checks.c.key)
        )
        for site, key, hard, paused in connection.execute(query):
            found.setdefault(site, []).append(CheckFacts(key, hard, bool(paused)))
    return found


def hold_sites(connection: Connection, names: Sequence[str]) -> set[str]:
    """Lock these sites' rows to the end of the transaction (PostgreSQL); returns those still active.

    A reload that removes one of them meanwhile waits for the bulk action, or the bulk action sees it gone and fails.
    """
    query = select(sites.c.name).where(sites.c.name.in_(list(names)), sites.c.active.is_(True)).with_for_update()
    return {name for (name,) in connection.execute(query)}


def groups_of_sites(connection: Connection, names: Sequence[str]) -> dict[str, list[str]]:
    """The groups each of these sites has now, by name."""
    found: dict[str, list[str]] = {}
    for chunk in chunked(list(names)):
        query = select(sites.c.name, sites.c.groups).where(sites.c.name.in_(chunk))
        found.update((name, list(groups or [])) for name, groups in connection.execute(query))
    return found


def contacts_of_sites(connection: Connection, names: Sequence[str]) -> dict[str, list[str]]:
    """The contacts of each of these sites, by name."""
    found: dict[str, list[str]] = {}
    for chunk in chunked(list(names)):
        query = select(sites.c.name, sites.c.contacts).where(sites.c.name.in_(chunk))
        found.update((name, list(contacts or [])) for name, contacts in connection.execute(query))
    return found
