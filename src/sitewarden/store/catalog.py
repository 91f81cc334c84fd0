"""Stored catalogue: records of each source part applied in batches, swept by generation, and read per product.

Every row carries the generation (`seen`) of the import that last confirmed it. An import writes its records in
batches of a few hundred (memory stays flat however long the TER list is), then deletes the rows of that part it
did not see. All of it runs in the caller's transaction, so a failed import leaves the previous catalogue intact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, func, select, tuple_, update

from sitewarden.catalog.records import AdvisoryRecord, BranchRecord, CatalogRecord, ProductRecord, ReleaseRecord
from sitewarden.results import utcnow
from sitewarden.store.tables import (
    catalog_advisories,
    catalog_branches,
    catalog_fetches,
    catalog_products,
    catalog_releases,
)

BATCH = 500
TABLES = (catalog_releases, catalog_branches, catalog_advisories, catalog_products)


@dataclass(slots=True)
class PartChanges:
    """What one import of one part did to the stored catalogue."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    total: int = 0
    previous: int = 0
    products: set[str] = field(default_factory=set)


def _day(value: date | None) -> datetime | None:
    return None if value is None else datetime(value.year, value.month, value.day, tzinfo=UTC)


def _release(record: ReleaseRecord) -> dict[str, Any]:
    return {
        "product": record.product,
        "version": record.version,
        "released_at": record.released,
        "kind": record.kind,
        "insecure": record.insecure,
        "elts": record.elts,
        "state": record.state,
    }


def _branch(record: BranchRecord) -> dict[str, Any]:
    return {
        "product": record.product,
        "branch": record.branch,
        "released_at": _day(record.released),
        "support_until": _day(record.support_until),
        "security_until": _day(record.security_until),
        "elts_until": _day(record.elts_until),
        "eol": record.eol,
        "latest": record.latest,
        "lts": record.lts,
    }


def _advisory(record: AdvisoryRecord) -> dict[str, Any]:
    return {
        "advisory_id": record.id,
        "product": record.product,
        "affected": record.affected,
        "title": record.title,
        "severity": record.severity,
        "aliases": list(record.aliases),
        "fixed": list(record.fixed),
        "link": record.link,
        "published_at": record.published,
    }


def _product(record: ProductRecord) -> dict[str, Any]:
    return {
        "product": record.product,
        "status": record.status,
        "latest": record.latest,
        "reason": record.reason,
        "supported_branches": list(record.supported_branches),
        "aliases": list(record.aliases),
    }


Spec = tuple[Table, tuple[str, ...], Callable[[Any], dict[str, Any]]]
SPECS: dict[type, Spec] = {
    ReleaseRecord: (catalog_releases, ("product", "version"), _release),
    BranchRecord: (catalog_branches, ("product", "branch"), _branch),
    AdvisoryRecord: (catalog_advisories, ("advisory_id", "product"), _advisory),
    ProductRecord: (catalog_products, ("product",), _product),
}


def fetch_state(connection: Connection, source: str, part: str) -> dict[str, Any] | None:
    """The stored validators and counts of one part, or None before its first import."""
    row = connection.execute(
        select(catalog_fetches).where(catalog_fetches.c.source == source, catalog_fetches.c.part == part)
    ).first()
    return dict(row._mapping) if row else None


def record_unchanged(connection: Connection, source: str, part: str) -> None:
    """The source answered 'not modified': remember when it was asked, keep everything else."""
    connection.execute(
        update(catalog_fetches)
        .where(catalog_fetches.c.source == source, catalog_fetches.c.part == part)
        .values(fetched_at=utcnow())
    )


def apply_part(
    connection: Connection,
    source: str,
    part: str,
    url: str,
    validators: tuple[str | None, str | None],
    records: Iterable[CatalogRecord],
) -> PartChanges:
    """Write one part's records (added / changed / confirmed), then sweep the rows this import did not see."""
    state = fetch_state(connection, source, part)
    generation = (state["generation"] if state else 0) + 1
    changes = PartChanges(previous=_count(connection, source, part))
    batch: list[CatalogRecord] = []
    for record in records:
        batch.append(record)
        changes.products.add(record.product)
        if len(batch) >= BATCH:
            _write_batch(connection, source, part, generation, batch, changes)
            batch = []
    _write_batch(connection, source, part, generation, batch, changes)
    for table in TABLES:
        outcome = connection.execute(
            delete(table).where(table.c.source == source, table.c.part == part, table.c.seen != generation)
        )
        changes.removed += outcome.rowcount or 0
    now = utcnow()
    values = {
        "url": url,
        "etag": validators[0],
        "last_modified": validators[1],
        "generation": generation,
        "records": changes.total,
        "fetched_at": now,
    }
    if changes.added or changes.changed or changes.removed or state is None:
        values["changed_at"] = now
    if state is None:
        connection.execute(catalog_fetches.insert().values(source=source, part=part, **values))
    else:
        connection.execute(
            update(catalog_fetches)
            .where(catalog_fetches.c.source == source, catalog_fetches.c.part == part)
            .values(**values)
        )
    return changes


def _count(connection: Connection, source: str, part: str) -> int:
    total = 0
    for table in TABLES:
        total += (
            connection.scalar(
                select(func.count()).select_from(table).where(table.c.source == source, table.c.part == part)
            )
            or 0
        )
    return total


def _write_batch(
    connection: Connection, source: str, part: str, generation: int, batch: list[CatalogRecord], changes: PartChanges
) -> None:
    by_type: dict[type, dict[tuple[Any, ...], dict[str, Any]]] = {}
    for record in batch:
        table, key, values_of = SPECS[type(record)]
        values = values_of(record)
        by_type.setdefault(type(record), {})[tuple(values[name] for name in key)] = values
    for kind, rows in by_type.items():
        table, key, _ = SPECS[kind]
        key_columns = [table.c[name] for name in key]
        existing = {
            tuple(row._mapping[name] for name in key): row._mapping
            for row in connection.execute(
                select(table).where(
                    table.c.source == source, table.c.part == part, tuple_(*key_columns).in_(list(rows))
                )
            )
        }
        fresh = [
            dict(values, source=source, part=part, seen=generation) for k, values in rows.items() if k not in existing
        ]
        if fresh:
            connection.execute(table.insert(), fresh)
        confirmed: list[int] = []
        for k, values in rows.items():
            old = existing.get(k)
            if old is None:
                continue
            if any(_differs(old[name], value) for name, value in values.items()):
                connection.execute(update(table).where(table.c.id == old["id"]).values(**values, seen=generation))
                changes.changed += 1
            else:
                confirmed.append(old["id"])
        for start in range(0, len(confirmed), BATCH):
            chunk = confirmed[start : start + BATCH]
            connection.execute(update(table).where(table.c.id.in_(chunk)).values(seen=generation))
        changes.added += len(fresh)
        changes.total += len(rows)


def _differs(old: Any, new: Any) -> bool:
    if isinstance(new, tuple):
        new = list(new)
    return bool(old != new)


def product_rows(connection: Connection, products: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Every stored row about the given products, by table name: what the assessment needs, nothing more."""
    found: dict[str, list[dict[str, Any]]] = {}
    wanted = sorted(set(products))
    for table in TABLES:
        rows: list[dict[str, Any]] = []
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            rows.extend(
                dict(row._mapping) for row in connection.execute(select(table).where(table.c.product.in_(chunk)))
            )
        found[table.name] = rows
    return found


def fetch_rows(connection: Connection) -> list[dict[str, Any]]:
    """Every part ever imported with its validators and counts, for `sitewarden import` summaries and status."""
    query = select(catalog_fetches).order_by(catalog_fetches.c.source, catalog_fetches.c.part)
    return [dict(row._mapping) for row in connection.execute(query)]


def last_import(connection: Connection, source: str) -> datetime | None:
    """When a source was last fetched (any part), for the daily refresh."""
    value = connection.scalar(select(func.min(catalog_fetches.c.fetched_at)).where(catalog_fetches.c.source == source))
    if isinstance(value, str):  # SQLite's aggregate skips the column type
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value if isinstance(value, datetime) else None


def alias_facts(connection: Connection) -> list[dict[str, Any]]:
    """Product facts that link products (extension key ↔ Composer name); few rows, read whole."""
    query = select(catalog_products.c.product, catalog_products.c.aliases).where(
        catalog_products.c.aliases.is_not(None)
    )
    return [{"product": product, "aliases": list(aliases)} for product, aliases in connection.execute(query) if aliases]


def advisories_naming(connection: Connection, key: str) -> list[dict[str, Any]]:
    """Composer advisories that may be about TYPO3 extension `key`: a package named like it, or its key in the title."""
    project = key.replace("_", "-").lower()
    a = catalog_advisories.c
    named = a.product.like(f"%/{project}") | a.product.like(f"%/typo3-{project}") | a.product.like(f"%/{key.lower()}")
    query = select(a.product, a.title, a.link, a.advisory_id).where(
        a.product.like("composer:%"), named | a.title.contains(f"({key})", autoescape=True)
    )
    return [dict(row._mapping) for row in connection.execute(query.limit(200))]
