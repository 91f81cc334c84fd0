"""Stored assessments: the current verdict per site item, and which of them changed since the last judgement."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, delete, select, tuple_, update

from sitewarden.results import utcnow
from sitewarden.store.tables import assessments


class JudgedItem(Protocol):
    """The item an assessment is about, as the store keeps it (the catalogue's `Item` fits)."""

    @property
    def kind(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def product(self) -> str: ...
    @property
    def version(self) -> str | None: ...


class Judged(Protocol):
    """What the store keeps of one verdict (the catalogue's `Assessment` fits); the store knows no judging."""

    @property
    def item(self) -> JudgedItem: ...
    @property
    def verdict(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def advisories(self) -> list[dict[str, Any]]: ...
    @property
    def fixed_version(self) -> str | None: ...
    @property
    def latest(self) -> str | None: ...
    @property
    def branch(self) -> str | None: ...
    @property
    def support(self) -> str | None: ...
    @property
    def branch_latest(self) -> str | None: ...
    @property
    def upgrade(self) -> str: ...
    @property
    def fix_upgrade(self) -> bool: ...
    @property
    def caveat(self) -> str | None: ...


J = TypeVar("J", bound=Judged)


def save_assessments(connection: Connection, site: str, judged: list[J]) -> list[tuple[J, str | None]]:
    """Store a site's verdicts (items no longer present are dropped); return those whose verdict changed."""
    now = utcnow()
    current = {
        (row.item_kind, row.item_key): row
        for row in connection.execute(select(assessments).where(assessments.c.site == site))
    }
    changed: list[tuple[J, str | None]] = []
    for assessment in judged:
        key = (assessment.item.kind, assessment.item.key)
        values = {
            "product": assessment.item.product,
            "version": assessment.item.version,
            "verdict": assessment.verdict,
            "advisories": assessment.advisories,
            "fixed_version": assessment.fixed_version,
            "latest": assessment.latest,
            "summary": assessment.summary,
            "branch": assessment.branch,
            "support": assessment.support,
            "branch_latest": assessment.branch_latest,
            "upgrade": assessment.upgrade,
            "fix_upgrade": assessment.fix_upgrade,
            "caveat": assessment.caveat,
            "assessed_at": now,
        }
        old = current.pop(key, None)
        if old is None:
            connection.execute(
                assessments.insert().values(site=site, item_kind=key[0], item_key=key[1], changed_at=now, **values)
            )
            changed.append((assessment, None))
            continue
        if old.verdict != assessment.verdict or old.version != assessment.item.version:
            values["changed_at"] = now
            if old.verdict != assessment.verdict:
                changed.append((assessment, old.verdict))
        connection.execute(update(assessments).where(assessments.c.id == old.id).values(**values))
    if current:
        gone = [(kind, key) for kind, key in current]
        connection.execute(
            delete(assessments).where(
                assessments.c.site == site, tuple_(assessments.c.item_kind, assessments.c.item_key).in_(gone)
            )
        )
    return changed


def assessment_rows(connection: Connection, site: str | None = None) -> list[dict[str, Any]]:
    """Stored verdicts, of one site or all, ordered by site and item."""
    query = select(assessments).order_by(assessments.c.site, assessments.c.item_kind, assessments.c.item_key)
    if site is not None:
        query = query.where(assessments.c.site == site)
    return [dict(row._mapping) for row in connection.execute(query)]
