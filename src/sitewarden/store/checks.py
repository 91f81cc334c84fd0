"""Sites and checks as rows: the config is mirrored into the store so results, states and the web share ids."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, text, update

from sitewarden.memory import release
from sitewarden.store.batches import chunked
from sitewarden.store.bulk_insert import insert_rows
from sitewarden.store.tables import checks, sites

SYNC_LOCK = 0x5174_7761_7265  # the advisory lock the check sync runs under


@dataclass(frozen=True, slots=True)
class SiteRow:
    """A site as the store keeps it (no secrets)."""

    name: str
    url: str
    groups: list[str]
    contacts: list[str]
    source: str = "config"


@dataclass(frozen=True, slots=True)
class CheckRow:
    """A check as the store keeps it; `params` is the redacted parameter dump."""

    key: str
    site: str | None
    name: str
    kind: str
    params: dict[str, Any]
    interval: float
    source: str = "config"
    failure_threshold: int | None = None
    success_threshold: int | None = None


def sync_config(
    connection: Connection, site_rows: Iterable[SiteRow], check_rows: Iterable[CheckRow], now: datetime
) -> dict[str, int]:
    """Upsert the sites and checks the engine runs; deactivate rows no longer present.

    Returns check key → id. Rows are never deleted here, so the history of a removed check stays readable.
    New and changed rows are written with one executemany each, so 100,000 checks cost a few statements.
    On PostgreSQL the sync holds an advisory lock to the end of its transaction: workers starting together would
    otherwise both insert the same new rows.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SYNC_LOCK})
    site_values = {
        site.name: {
            "url": site.url,
            "groups": site.groups,
            "contacts": site.contacts,
            "source": site.source,
            "active": True,
        }
        for site in site_rows
    }
    site_ids = _upsert(connection, sites, "name", site_values, now)
    params_texts: dict[int, str] = {}  # checks written alike share one params dict: serialised once
    check_values = {}
    for check in check_rows:
        values = {
            "site_id": site_ids.get(check.site) if check.site else None,
            "name": check.name,
            "kind": check.kind,
            "params": check.params,
            "interval_s": check.interval,
            "source": check.source,
            "failure_threshold": check.failure_threshold,
            "success_threshold": check.success_threshold,
            "active": True,
        }
        dumped = params_texts.get(id(check.params))
        if dumped is None:
            dumped = params_texts[id(check.params)] = json.dumps(check.params, sort_keys=True, separators=(",", ":"))
        values[DIGEST] = spec_digest(values, dumped)
        check_values[check.key] = values
    ids = _upsert(connection, checks, "key", check_values, now)
    release(check_values)  # a reload's planning thread: the loop gets its turns while a fleet's rows are freed
    return ids


DIGEST = "spec_hash"


def spec_digest(values: dict[str, Any], params_text: str) -> str:
    """A digest of what the sync writes to a check row: equal digests, nothing to update."""
    fields = (
        values["site_id"], values["name"], values["kind"], values["interval_s"], values["source"], params_text,
        values["failure_threshold"], values["success_threshold"],
    )  # fmt: skip
    return hashlib.blake2b(repr(fields).encode(), digest_size=16).hexdigest()


def _upsert(
    connection: Connection, table: Table, natural: str, wanted: dict[str, dict[str, Any]], now: datetime
) -> dict[str, int]:
    """Insert the missing rows, update the changed ones, deactivate the rest; natural key → id (`wanted` is used up).

    The stored rows are compared as they stream in, never held all at once: a fleet's worth of rows alive beside
    the ids being collected would leave the ids scattered over memory the process could not hand back.
    """
    names = _first_values(wanted)
    if DIGEST in names:  # rows carry a digest of their definition: compare that alone
        names = [DIGEST, "active"]
    columns = [table.c.id, table.c[natural], *(table.c[name] for name in names)]
    updates: list[dict[str, Any]] = []
    stale: list[int] = []
    ids: dict[str, int] = {}
    for row in connection.execute(select(*columns)):
        name = getattr(row, natural)
        values = wanted.get(name)
        if values is None:
            if row.active:
                stale.append(row.id)
            continue
        ids[name] = row.id
        if _changed(row, values):
            updates.append({"row_id": row.id, "updated_at": now, **values})
    if updates:
        connection.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
    for chunk in chunked(stale):
        connection.execute(update(table).where(table.c.id.in_(chunk)).values(active=False, updated_at=now))
    inserts: list[dict[str, Any]] = []
    for name, values in wanted.items():
        if name not in ids:  # the caller's mapping becomes the row: no second copy of a fleet's worth of values
            values.update({natural: name, "created_at": now, "updated_at": now})
            inserts.append(values)
    if inserts:
        insert_rows(connection, table, inserts)
        del inserts
        for name, row_id in connection.execute(select(table.c[natural], table.c.id)):
            if name in wanted and name not in ids:
                ids[name] = row_id
    return ids


def _first_values(wanted: dict[str, dict[str, Any]]) -> list[str]:
    for values in wanted.values():
        return list(values)
    return ["active"]


def check_ids_by_key(connection: Connection) -> dict[str, int]:
    return {row.key: row.id for row in connection.execute(select(checks.c.key, checks.c.id))}


def check_key_and_site(connection: Connection, check_id: int) -> tuple[str, str | None] | None:
    """An active check's key and site name (None outside any site), or None when no active check has this id."""
    row = connection.execute(
        select(checks.c.key, sites.c.name)
        .select_from(checks.outerjoin(sites, sites.c.id == checks.c.site_id))
        .where(checks.c.id == check_id, checks.c.active.is_(True))
    ).first()
    if row is None:
        return None
    return str(row.key), (str(row.name) if row.name is not None else None)


def _changed(row: Any, values: dict[str, Any]) -> bool:
    if DIGEST in values:
        return bool(row.spec_hash != values[DIGEST] or not row.active)
    return any(getattr(row, key) != value for key, value in values.items() if key != "updated_at")
