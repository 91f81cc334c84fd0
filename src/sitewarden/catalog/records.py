"""What importers produce: releases, branches, advisories and product facts, each keyed by a product name.

Product names are the one vocabulary shared by importers and the assessment: `typo3`, `wordpress`, `drupal`,
`joomla`, `php`, `mysql`, `mariadb`, `postgresql`, `nginx`; `ter:<extension key>`, `wp-plugin:<slug>`,
`wp-theme:<slug>`, `drupal:<project>`; `composer:<vendor/name>` for Composer packages no other name covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

COMPOSER_PRODUCTS = {
    "typo3/cms-core": "typo3",
    "typo3/cms": "typo3",
    "drupal/core": "drupal",
    "drupal/drupal": "drupal",
    "johnpbloch/wordpress-core": "wordpress",
    "roots/wordpress": "wordpress",
    "roots/wordpress-no-content": "wordpress",
    "joomla/joomla-cms": "joomla",
}
"""Composer packages that are a CMS core."""


def composer_product(package: str) -> str:
    """The product a Composer package name stands for (`drupal/token` → `drupal:token`)."""
    name = package.strip().lower()
    if name in COMPOSER_PRODUCTS:
        return COMPOSER_PRODUCTS[name]
    vendor, _, project = name.partition("/")
    if vendor == "drupal" and project:
        return f"drupal:{project}"
    if vendor == "wpackagist-plugin" and project:
        return f"wp-plugin:{project}"
    if vendor == "wpackagist-theme" and project:
        return f"wp-theme:{project}"
    return f"composer:{name}"


@dataclass(frozen=True, slots=True)
class ReleaseRecord:
    """One release of a product: when, what kind, and whether its source calls it insecure."""

    product: str
    version: str
    released: datetime | None = None
    kind: str = "regular"
    """`regular`, `security` (it fixes a vulnerability) or `development`."""
    insecure: bool = False
    elts: bool = False
    state: str | None = None
    """The source's stability word (TER: stable, beta, alpha, obsolete ...)."""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BranchRecord:
    """A release line (`12`, `12.4`, `8.3`) with its support dates; `eol` is set when the source says yes or no."""

    product: str
    branch: str
    released: date | None = None
    support_until: date | None = None
    security_until: date | None = None
    elts_until: date | None = None
    eol: bool | None = None
    latest: str | None = None
    lts: bool = False


@dataclass(frozen=True, slots=True)
class AdvisoryRecord:
    """A published vulnerability and the versions of one product it affects (a Composer constraint)."""

    id: str
    product: str
    affected: str
    title: str = ""
    severity: str | None = None
    """`low`, `medium`, `high` or `critical`, when the source grades it."""
    aliases: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    link: str | None = None
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """A fact about a whole product: its latest version, or that it was closed or marked insecure as a whole."""

    product: str
    status: str = "published"
    """`published`, `closed`, `insecure` or `unsupported`."""
    latest: str | None = None
    reason: str | None = None
    supported_branches: tuple[str, ...] = ()


CatalogRecord = ReleaseRecord | BranchRecord | AdvisoryRecord | ProductRecord

SEVERITIES = ("low", "medium", "high", "critical")


def normalise_severity(text: str | None) -> str | None:
    """Map CVSS and GHSA words (`MODERATE`, `Critical`) to low / medium / high / critical."""
    if not text:
        return None
    word = str(text).strip().lower()
    word = {"moderate": "medium", "important": "high"}.get(word, word)
    return word if word in SEVERITIES else None


def severity_from_score(score: float | None) -> str | None:
    """CVSS v3 base score bands."""
    if score is None:
        return None
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    return "low" if score > 0 else None
