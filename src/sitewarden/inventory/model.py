"""The inventory snapshot: what one site runs at one moment, and where each fact came from.

Collectors (`typo3_client`, `cms_health`, `fingerprint`) build one; the recorder stores it with history and turns
differences into events; the catalogue judges its items. Field names are a contract between those parts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CmsName = Literal["typo3", "wordpress", "drupal", "joomla"]
ComponentKind = Literal["core", "extension", "plugin", "theme", "module"]
Precision = Literal["exact", "minor", "major", "unknown"]
"""How much of a version the evidence gave: `6.4.3` exact, `6.4` minor, `6` major, or nothing at all."""

FACT_FIELDS = ("cms", "cms_version", "php_version", "database_kind", "database_version", "web_server")
"""Snapshot fields whose origin is kept in `InventorySnapshot.origins`."""


class Origin(BaseModel):
    """Where a value came from: a protocol answers with confidence 1, a fingerprint with less, and says why."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(description="Collector kind or protocol: typo3_client, cms_health, fingerprint.")
    confidence: float = Field(default=1.0, ge=0.0, le=1.0, description="1 for a protocol answer, less for a guess.")
    evidence: list[str] = Field(
        default_factory=list, description="What was seen, e.g. 'meta generator: WordPress 6.4.3'."
    )


class Component(BaseModel):
    """One versioned part of a site: the core, an extension, plugin, theme or module."""

    model_config = ConfigDict(frozen=True)

    kind: ComponentKind
    key: str = Field(description="Extension key, plugin slug or module machine name; the CMS name for the core.")
    version: str | None = Field(default=None, description="Installed version as the site reports it.")
    precision: Precision = Field(default="exact", description="How much of the version is known.")
    active: bool | None = Field(default=None, description="Loaded/active; None when the source does not say.")
    title: str | None = Field(default=None, description="Human-readable name.")
    origin: Origin | None = Field(default=None, description="Where this component was seen.")

    @property
    def ident(self) -> tuple[str, str]:
        """Identity across snapshots: kind and key (versions and flags may change, the identity does not)."""
        return self.kind, self.key


class InventorySnapshot(BaseModel):
    """What one site runs: CMS and version, PHP, database, web server, components, and the origin of each fact."""

    model_config = ConfigDict(frozen=True)

    cms: CmsName | None = Field(default=None, description="Detected CMS, None when none was recognised.")
    cms_version: str | None = Field(default=None, description="CMS core version (exact, minor or major only).")
    cms_version_precision: Precision = Field(default="unknown", description="How much of cms_version is known.")
    php_version: str | None = Field(default=None, description="PHP version, e.g. 8.3.14.")
    database_kind: str | None = Field(default=None, description="mysql, mariadb, postgresql, sqlite ...")
    database_version: str | None = Field(default=None, description="Database server version.")
    web_server: str | None = Field(default=None, description="Server software as announced, e.g. nginx/1.24.0.")
    components: list[Component] = Field(
        default_factory=list, description="Extensions, plugins, themes, modules (the core is `cms`/`cms_version`)."
    )
    origins: dict[str, Origin] = Field(
        default_factory=dict, description="Origin of each fact field set (keys from FACT_FIELDS)."
    )
    extra: dict[str, Any] = Field(
        default_factory=dict, description="Source-specific data: TYPO3 extra info/warnings, health checks, disk space."
    )
    source: str = Field(default="", description="Collector kind that produced the snapshot.")
    collected_at: datetime | None = Field(default=None, description="When the snapshot was taken.")

    def core(self) -> Component | None:
        """The CMS core as a component (kind `core`, key = CMS name), for code that treats every item alike."""
        if self.cms is None:
            return None
        return Component(
            kind="core",
            key=self.cms,
            version=self.cms_version,
            precision=self._core_precision(),
            active=True,
            title=self.cms,
            origin=self.origins.get("cms_version") or self.origins.get("cms"),
        )

    def _core_precision(self) -> Precision:
        """A version given without a precision is taken as exact (older snapshots carry no precision)."""
        if not self.cms_version:
            return "unknown"
        return "exact" if self.cms_version_precision == "unknown" else self.cms_version_precision

    def items(self) -> list[Component]:
        """The core first, then every component: what the catalogue assesses."""
        core = self.core()
        return ([core] if core is not None else []) + list(self.components)

    def component(self, kind: ComponentKind, key: str) -> Component | None:
        for item in self.items():
            if item.kind == kind and item.key == key:
                return item
        return None
