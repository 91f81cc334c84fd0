"""Product identity: which catalogue products are the same software as an inventory item.

A TYPO3 extension reported by its key (`ter:news`) is published on Packagist under a Composer name
(`composer:georgringer/news`); advisories filed for the Composer name must reach the extension. The link comes
from, in this order: the config (`catalog.extension_keys`), imported mappings (Packagist's
`extra.typo3/cms.extension-key`), and as a last resort TYPO3 advisories (a typo3.org link or TYPO3 in the title)
of exactly one Composer package that is named like the key (`tt_address` → `*/tt-address`, `*/tt_address`,
`*/typo3-tt-address`) or whose advisory title names the key (`"News system" (news)`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

TER = "ter:"
COMPOSER = "composer:"


def composer_name_guess(key: str) -> str:
    """The project part of the Composer name an extension key usually gets (`tt_address` → `tt-address`)."""
    return key.replace("_", "-").lower()


def linked_products(
    product: str,
    facts: Iterable[dict[str, Any]],
    overrides: Mapping[str, str] | None = None,
) -> list[str]:
    """Products linked to `product` by the config or imported mappings (both directions)."""
    linked: list[str] = []
    overrides = overrides or {}
    if product.startswith(TER):
        key = product[len(TER) :]
        if key in overrides:
            return [COMPOSER + overrides[key].lower()]
    if product.startswith(COMPOSER):
        name = product[len(COMPOSER) :]
        linked += [TER + key for key, value in overrides.items() if value.lower() == name]
    for fact in facts:
        aliases = list(fact.get("aliases") or [])
        if fact.get("product") == product:
            linked += aliases
        elif product in aliases:
            linked.append(str(fact["product"]))
    return list(dict.fromkeys(name for name in linked if name != product))


def _project(product: str) -> str:
    """A Composer product's project part as an extension key guess (`ke_search`, `typo3-matomo-integration`)."""
    return composer_name_guess(product.split("/", 1)[-1]).removeprefix("typo3-")


def guessed_packages(key: str, advisories: Iterable[dict[str, Any]]) -> list[str]:
    """Composer products whose TYPO3 advisories identify them as extension `key`; empty unless exactly one vendor."""
    project = composer_name_guess(key)
    found: set[str] = set()
    for row in advisories:
        product = str(row.get("product") or "")
        if not product.startswith(COMPOSER):
            continue
        title = str(row.get("title") or "")
        link = str(row.get("link") or "").lower()
        typo3 = "typo3" in link or "typo3" in title.lower()
        named = f"({key})" in title
        same_name = _project(product) == project
        if typo3 and (named or same_name):
            found.add(product)
    return sorted(found) if len(found) == 1 else []
