"""The audit log: who changed what, when and from where (sites, checks, users, tokens, maintenance, acceptances)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from sitewarden.store.tables import audit_log


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One admin action; `detail` never holds a secret (callers pass names and ids, not definitions)."""

    actor: str
    address: str
    action: str
    target: str
    at: datetime
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "address": self.address,
            "action": self.action,
            "target": self.target,
            "detail": self.detail,
        }


def record_audit(connection: Connection, entry: AuditEntry) -> None:
    connection.execute(
        audit_log.insert().values(
            at=entry.at,
            actor=entry.actor[:200],
            address=entry.address[:100],
            action=entry.action[:100],
            target=entry.target[:300],
            detail=entry.detail,
        )
    )


def audit_entries(connection: Connection, limit: int = 100, before_id: int | None = None) -> list[AuditEntry]:
    """Newest first; page with `before_id`."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    return [
        AuditEntry(row.actor, row.address, row.action, row.target, row.at, dict(row.detail or {}), row.id)
        for row in connection.execute(query)
    ]


def prune_audit(connection: Connection, before: datetime) -> int:
    return int(connection.execute(delete(audit_log).where(audit_log.c.at < before)).rowcount or 0)
