"""Rows of the store as API objects: one function per kind, so every endpoint shows a thing the same way."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sitewarden.events.model import Event
from sitewarden.results import Status
from sitewarden.secrets import redact_value
from sitewarden.store.overview import SiteSummary
from sitewarden.store.results import StoredResult
from sitewarden.web.api.common import iso


def site_summary(row: SiteSummary) -> dict[str, Any]:
    return {
        "name": row.name,
        "url": row.url,
        "groups": row.groups,
        "source": row.source,
        "status": row.status,
        "checks": row.checks,
        "paused_checks": row.paused,
        "response_ms": row.response_ms,
        "last_result_at": iso(row.last_result_at),
        "uptime_24h": row.uptime_24h,
        "uptime_7d": row.uptime_7d,
        "uptime_30d": row.uptime_30d,
        "certificate_days": row.certificate_days,
        "cms": row.extra.get("cms"),
        "cms_version": row.extra.get("version"),
        "verdict": row.extra.get("verdict"),
    }


def check(row: dict[str, Any], site: str | None = None) -> dict[str, Any]:
    """A check with its state; stored params are already redacted (secrets dumped masked)."""
    return {
        "id": row["id"],
        "key": row["key"],
        "site": site if site is not None else row.get("site"),
        "name": row["name"],
        "kind": row["kind"],
        "interval": row.get("interval_s"),
        "source": row.get("source"),
        "params": row.get("params") or {},
        "state": state(row),
    }


def state(row: dict[str, Any]) -> dict[str, Any]:
    def label(value: int | None) -> str | None:
        return Status(value).label if value is not None else None

    return {
        "status": label(row.get("hard_status")) or "pending",
        "since": iso(row.get("hard_since")),
        "soft_status": label(row.get("soft_status")),
        "attempts": row.get("attempts") or 0,
        "last_status": label(row.get("last_status")),
        "last_summary": row.get("last_summary"),
        "class": row.get("failure"),
        "last_result_at": iso(row.get("last_result_at")),
        "last_duration_ms": row.get("last_duration_ms"),
        "paused": bool(row.get("paused")),
    }


def result(stored: StoredResult) -> dict[str, Any]:
    """A stored result, its texts passed through the one redaction once more on the way out."""
    shown: dict[str, Any] = redact_value(stored.result.as_dict())
    return {"id": stored.id, "check_id": stored.check_id, **shown}


def event(item: Event) -> dict[str, Any]:
    """An event as stored, redacted like a notification's copy."""
    shown: dict[str, Any] = redact_value(item.as_dict())
    return shown


def redacted(model: BaseModel) -> dict[str, Any]:
    """A validated definition as JSON: pydantic masks every SecretStr."""
    data: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data["name"] = getattr(model, "name", data.get("name"))
    return data
