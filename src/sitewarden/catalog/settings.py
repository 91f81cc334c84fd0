"""The `catalog:` config section: which sources to import, how often, and the optional Wordfence key."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sitewarden.durations import Duration
from sitewarden.secrets import Secret

DEFAULT_SOURCES = [
    "typo3",
    "ter",
    "extension_keys",
    "wordpress",
    "wordpress_plugins",
    "drupal",
    "eol",
    "osv",
    "packagist",
]


class CatalogSettings(BaseModel):
    """Release and advisory catalogue: sources, refresh schedule, URL overrides and API keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    refresh: Duration = Field(default=86400.0, ge=300, description="How often the daemon refreshes the catalogue.")
    sources: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SOURCES),
        description="Sources to import; add `wordfence` together with `wordfence_api_key`.",
    )
    urls: dict[str, str] = Field(default_factory=dict, description="URL per source, for mirrors and proxies.")
    eol_products: list[str] = Field(
        default_factory=list, description="endoflife.date products to import; default PHP, databases, nginx, CMSs."
    )
    wordfence_api_key: Secret | None = Field(default=None, description="Wordfence Intelligence v3 API key.")
    elts_supported: bool = Field(
        default=False,
        description="Count branches in paid extended support (TYPO3 ELTS) as supported instead of `eol`.",
    )
    extension_keys: dict[str, str] = Field(
        default_factory=dict,
        description="TYPO3 extension key → Composer package name, adding to or overriding imported mappings.",
    )

    @field_validator("sources")
    @classmethod
    def _known_sources(cls, value: list[str]) -> list[str]:
        from sitewarden.catalog.importers import IMPORTERS

        unknown = [name for name in value if name not in IMPORTERS]
        if unknown:
            raise ValueError(f"unknown catalogue source {unknown[0]!r}; known: {', '.join(IMPORTERS)}")
        return value

    @field_validator("urls")
    @classmethod
    def _known_url_sources(cls, value: dict[str, str]) -> dict[str, str]:
        from sitewarden.catalog.importers import IMPORTERS

        for name, url in value.items():
            if name not in IMPORTERS:
                raise ValueError(f"unknown catalogue source {name!r}; known: {', '.join(IMPORTERS)}")
            if not url.startswith(("http://", "https://", "file:")):
                raise ValueError(f"the URL of {name} must start with http://, https:// or file:")
        return value
