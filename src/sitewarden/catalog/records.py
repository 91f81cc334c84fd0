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
NOT_TYPO3_SYSTEM = {
    "typo3/cms-composer-installers",
    "typo3/cms-cli",
    "typo3/cms-base-distribution",
    "typo3/cms-introduction",
    "typo3/cms-styleguide",
    "typo3/cms-composer-package-artifact-installer",
}
"""`typo3/cms-*` packages with versions of their own; every other `typo3/cms-*` is a system extension."""
TYPO3_SYSTEM_PACKAGES = tuple(
    f"typo3/cms-{name}"
    for name in [
        "adminpanel",
        "backend",
        "belog",
        "beuser",
        "core",
        "dashboard",
        "extbase",
        "extensionmanager",
        "felogin",
        "filelist",
        "filemetadata",
        "fluid",
        "fluid-styled-content",
        "form",
        "frontend",
        "impexp",
        "indexed-search",
        "info",
        "install",
        "linkvalidator",
        "lowlevel",
        "opendocs",
        "recordlist",
        "recycler",
        "redirects",
        "reports",
        "rte-ckeditor",
        "scheduler",
        "seo",
        "setup",
        "sys-note",
        "t3editor",
        "tstemplate",
        "viewpage",
        "webhooks",
        "reactions",
        "workspaces",
    ]
)
"""TYPO3 system extension packages: they ship with the core at the core's version, so their advisories are the
core's (`typo3/cms-form` >=14.2.0 <14.3.5 covers TYPO3 14.3.3)."""


def is_typo3_system_package(name: str) -> bool:
    """A `typo3/cms-*` package that is part of the core, released at the core's version."""
    return name.startswith("typo3/cms-") and name not in NOT_TYPO3_SYSTEM


def composer_product(package: str) -> str:
    """The product a Composer package name stands for (`drupal/token` → `drupal:token`, `typo3/cms-form` → typo3)."""
    name = package.strip().lower()
    if name in COMPOSER_PRODUCTS:
        return COMPOSER_PRODUCTS[name]
    if is_typo3_system_package(name):
        return "typo3"
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
    aliases: tuple[str, ...] = ()
    """Other product names the same software is published under (`ter:news` ↔ `composer:georgringer/news`)."""


CatalogRecord = ReleaseRecord | BranchRecord | AdvisoryRecord | ProductRecord

SEVERITIES = ("low", "medium", "high", "critical")


def normalise_severity(text: str | None) -> str | None:
    """Map CVSS and GHSA words (`MODERATE`, `Critical`) to low / medium / high / critical."""
    if not text:
        return None
    word = str(text).strip().lower()
    word = {"moderate": "medium", "important": "high"}.get(word, word)
    return word if word in SEVERITIES else None
