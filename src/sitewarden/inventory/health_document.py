"""A health document (CMS Health Check or IETF health JSON) read leniently: status, checks, and the versions named.

Status words are case-insensitive with the IETF aliases (ok/up → pass, error/down → fail); `info` entries are data,
not problems. Versions come from checks named like `WordPress:Version`, `typo3:version` or `php:version`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sitewarden.inventory.base import clean_version, parse_database
from sitewarden.inventory.model import CmsName, InventorySnapshot, Origin
from sitewarden.probes.json_rules import as_number
from sitewarden.results import Metric, Status

SOURCE = "cms_health"
_TOP_STATUS = {
    "pass": Status.OK,
    "ok": Status.OK,
    "up": Status.OK,
    "warn": Status.WARNING,
    "warning": Status.WARNING,
    "fail": Status.ERROR,
    "error": Status.ERROR,
    "down": Status.ERROR,
}
_CMS_NAMES: dict[str, CmsName] = {"wordpress": "wordpress", "typo3": "typo3", "drupal": "drupal", "joomla": "joomla"}
_FLAVOUR_CMS: dict[str, CmsName] = {"typo3": "typo3", "wordpress": "wordpress"}
_VERSION = re.compile(r"^v?\d+(?:\.\d+){0,3}(?:[-+][0-9A-Za-z.-]+)?$")


@dataclass(slots=True)
class HealthEntry:
    """One result under a `checks` key; `status` None means `info` (data, not a verdict)."""

    name: str
    status: Status | None
    raw_status: str
    component_id: str | None = None
    component_type: str | None = None
    observed_value: Any = None
    observed_unit: str | None = None
    output: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "status": self.raw_status}
        for key, value in (
            ("component_type", self.component_type),
            ("observed_value", self.observed_value),
            ("observed_unit", self.observed_unit),
            ("output", self.output),
        ):
            if value is not None and value != "":
                data[key] = value
        return data

    def number(self) -> float | None:
        return as_number(self.observed_value)


@dataclass(slots=True)
class HealthDocument:
    """The parts of a health document sitewarden uses, with the schema violations found in it."""

    status: Status
    raw_status: str
    entries: list[HealthEntry] = field(default_factory=list)
    version: str | None = None
    service_id: str | None = None
    description: str | None = None
    violations: list[str] = field(default_factory=list)

    def metrics(self) -> list[Metric]:
        """One metric per entry: its numeric observed value, else its status (0 pass, 1 warn, 2 fail)."""
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry.name] = counts.get(entry.name, 0) + 1
        seen: dict[str, int] = {}
        metrics: list[Metric] = []
        for entry in self.entries:
            index = seen[entry.name] = seen.get(entry.name, 0) + 1
            name = entry.name if counts[entry.name] == 1 else f"{entry.name}#{index}"
            number = entry.number()
            if number is not None:
                metrics.append(Metric(name, number, (entry.observed_unit or "")[:20]))
            elif entry.status is not None:
                metrics.append(Metric(f"{name}.status", float(entry.status.value)))
        return metrics


def parse_document(data: Any, violations: list[str]) -> HealthDocument | str:
    """A HealthDocument, or one line saying why the data is not a health document at all."""
    if not isinstance(data, dict):
        return "the answer is not a JSON object"
    raw = data.get("status")
    if not isinstance(raw, str) or not raw.strip():
        return "no 'status' in the document"
    status = _TOP_STATUS.get(raw.strip().lower())
    if status is None:
        return f"status '{raw[:40]}' is not pass, warn or fail"
    document = HealthDocument(
        status=status,
        raw_status=raw.strip().lower(),
        version=_text(data.get("version")),
        service_id=_text(data.get("serviceId")),
        description=_text(data.get("description")),
        violations=violations,
    )
    checks = data.get("checks")
    if checks is None:
        return document
    if not isinstance(checks, dict):
        return "'checks' is not an object"
    for name, items in checks.items():
        for item in items if isinstance(items, list) else [items]:
            entry = _entry(str(name)[:200], item)
            if isinstance(entry, str):
                return entry
            document.entries.append(entry)
    return document


def _entry(name: str, item: Any) -> HealthEntry | str:
    if not isinstance(item, dict):
        return f"checks.{name}: an entry is not an object"
    raw = item.get("status")
    if not isinstance(raw, str):
        return f"checks.{name}: an entry has no status"
    word = raw.strip().lower()
    if word == "info":
        status = None
    elif word in _TOP_STATUS:
        status = _TOP_STATUS[word]
    else:
        return f"checks.{name}: status '{raw[:40]}' is not pass, warn, fail or info"
    value = item.get("observedValue")
    if isinstance(value, str):
        value = value[:500]
    elif not isinstance(value, int | float | bool) and value is not None:
        value = str(value)[:500]
    return HealthEntry(
        name=name,
        status=status,
        raw_status=word,
        component_id=_text(item.get("componentId")),
        component_type=_text(item.get("componentType")),
        observed_value=value,
        observed_unit=_text(item.get("observedUnit")),
        output=_text(item.get("output"), 500),
    )


def _text(value: Any, limit: int = 200) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def snapshot_from_document(
    document: HealthDocument, flavour: str, now: datetime, server: str | None
) -> InventorySnapshot:
    """CMS, PHP and database versions from `<component>:version`-style checks, with their origin."""
    facts: dict[str, str] = {}
    evidence: dict[str, str] = {}
    cms = _FLAVOUR_CMS.get(flavour)
    for entry in document.entries:
        parts = entry.name.lower().split(":")
        version = clean_version(entry.observed_value)
        if version is None or not _VERSION.match(version) or "version" not in parts[1:]:
            continue
        component = parts[0]
        if component == "php" or _is_php(entry, component):
            facts.setdefault("php_version", version)
            evidence.setdefault("php_version", entry.name)
        elif component in ("database", "db", "mysql", "mariadb", "postgresql"):
            kind = component if component not in ("database", "db") else parse_database(version)[0]
            facts.setdefault("database_kind", kind or "")
            facts.setdefault("database_version", version)
            evidence.setdefault("database_version", entry.name)
        elif component in _CMS_NAMES:
            cms = cms or _CMS_NAMES[component]
            if _CMS_NAMES[component] == cms:
                facts.setdefault("cms_version", version)
                evidence.setdefault("cms_version", entry.name)
    origins = {name: Origin(source=SOURCE, confidence=1.0, evidence=[f"check {evidence[name]}"]) for name in evidence}
    if cms is not None:
        origins["cms"] = origins.get("cms_version") or Origin(source=SOURCE, evidence=[f"flavour {flavour}"])
    if server:
        origins["web_server"] = Origin(source=SOURCE, confidence=0.9, evidence=["Server response header"])
    extra: dict[str, Any] = {"health_status": document.raw_status}
    if document.service_id:
        extra["service_id"] = document.service_id
    return InventorySnapshot(
        cms=cms,
        cms_version=facts.get("cms_version"),
        cms_version_precision="exact" if facts.get("cms_version") else "unknown",
        php_version=facts.get("php_version"),
        database_kind=facts.get("database_kind") or None,
        database_version=facts.get("database_version"),
        web_server=server,
        origins=origins,
        extra=extra,
        source=SOURCE,
        collected_at=now,
    )


def _is_php(entry: HealthEntry, component: str) -> bool:
    """The WordPress plugin puts the PHP version under `wordpress:version`, told apart by componentId or output."""
    if entry.component_id == hashlib.md5(f"{component}:php:version".encode()).hexdigest():
        return True
    return bool(entry.output and entry.output.lstrip().lower().startswith("php"))
