"""Judge one inventory item against the catalogue: insecure, eol, major, minor, bugfix, up_to_date or unknown.

Pure logic over the rows `store.catalog.product_rows` returns, so it is tested without a database. The order of
the questions is the order of urgency: an advisory or an insecure mark beats end of life, which beats updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sitewarden.catalog.ranges import parse_constraint
from sitewarden.catalog.records import SEVERITIES
from sitewarden.catalog.versions import Version, server_version, try_version, update_size

SERVER_PRODUCTS = {"php", "mysql", "mariadb", "postgresql", "nginx"}


@dataclass(frozen=True, slots=True)
class Item:
    """What is judged: the inventory item's kind and key, the catalogue product and the installed version."""

    kind: str
    key: str
    product: str
    version: str | None
    precision: str = "exact"


@dataclass(slots=True)
class Assessment:
    """The verdict on one item, with the advisories that make it insecure and the smallest version that fixes it."""

    item: Item
    verdict: str
    summary: str
    advisories: list[dict[str, Any]] = field(default_factory=list)
    fixed_version: str | None = None
    latest: str | None = None

    @property
    def severity(self) -> str | None:
        """The worst advisory severity, for 'most severe first'."""
        ranks = [SEVERITIES.index(a["severity"]) for a in self.advisories if a.get("severity") in SEVERITIES]
        return SEVERITIES[max(ranks)] if ranks else None


def product_for(cms: str | None, kind: str, key: str) -> str:
    """The catalogue product of an inventory item (`extension` news on TYPO3 → `ter:news`)."""
    if kind == "core":
        return key
    if kind in ("php", "database", "server"):
        return key
    prefixes = {
        ("typo3", "extension"): "ter:",
        ("wordpress", "plugin"): "wp-plugin:",
        ("wordpress", "theme"): "wp-theme:",
        ("drupal", "module"): "drupal:",
        ("drupal", "theme"): "drupal:",
    }
    return prefixes.get((cms or "", kind), f"{cms or 'unknown'}-{kind}:") + key


def assess_item(item: Item, rows: dict[str, list[dict[str, Any]]], today: date | None = None) -> Assessment:
    """The verdict for one item from the catalogue rows of its product."""
    today = today or datetime.now(UTC).date()
    releases = [row for row in rows.get("catalog_releases", []) if row["product"] == item.product]
    branches = [row for row in rows.get("catalog_branches", []) if row["product"] == item.product]
    advisories = [row for row in rows.get("catalog_advisories", []) if row["product"] == item.product]
    facts = [row for row in rows.get("catalog_products", []) if row["product"] == item.product]
    version = _installed(item)
    if not (releases or branches or advisories or facts):
        return Assessment(item, "unknown", f"{item.product} is not in the catalogue")
    latest = _latest(version, releases, branches, facts)
    if version is None:
        return Assessment(item, "unknown", "installed version unknown", latest=_text(latest))
    if item.precision != "exact":
        return _assess_partial(item, version, releases, branches, facts, today, latest)
    insecure = _insecurity(version, item.product, releases, advisories, facts)
    if insecure is not None:
        reasons, matched, floor = insecure
        fixed = _smallest_fix(version, floor, releases, matched)
        fix_text = f"; fixed in {fixed}" if fixed else ""
        summary = f"{item.product} {version}: {'; '.join(reasons)}{fix_text}"
        return Assessment(item, "insecure", summary, _advisory_list(matched), fixed, _text(latest))
    ended = _end_of_life(version, item.product, releases, branches, facts, today)
    if ended:
        return Assessment(item, "eol", f"{item.product} {version}: {ended}", latest=_text(latest))
    size = update_size(version, latest) if latest is not None else None
    if size is not None:
        return Assessment(item, size, f"{item.product} {version}: {size} update to {latest}", latest=_text(latest))
    return Assessment(item, "up_to_date", f"{item.product} {version} is up to date", latest=_text(latest))


def _assess_partial(
    item: Item,
    version: Version,
    releases: list[dict[str, Any]],
    branches: list[dict[str, Any]],
    facts: list[dict[str, Any]],
    today: date,
    latest: Version | None,
) -> Assessment:
    """Only part of the version is known (a fingerprint saw `6.4` or `10`): judge the branch, never the release.

    Reading `6.4` as `6.4.0` would call nearly every site insecure; what such evidence can show is end of life.
    """
    ended = _end_of_life(version, item.product, releases, branches, facts, today)
    if ended:
        return Assessment(item, "eol", f"{item.product} {item.version}: {ended}", latest=_text(latest))
    summary = f"{item.product} {item.version}: only the {item.precision} version is known, no verdict on the release"
    return Assessment(item, "unknown", summary, latest=_text(latest))


def _installed(item: Item) -> Version | None:
    if item.version is None:
        return None
    if item.product in SERVER_PRODUCTS:
        return server_version(item.version)
    return try_version(item.version)


def _insecurity(
    version: Version,
    product: str,
    releases: list[dict[str, Any]],
    advisories: list[dict[str, Any]],
    facts: list[dict[str, Any]],
) -> tuple[list[str], list[dict[str, Any]], Version | None] | None:
    reasons: list[str] = []
    floor: Version | None = None
    matched = []
    for advisory in advisories:
        affected = parse_constraint(advisory["affected"])
        if affected.contains(version):
            matched.append(advisory)
            fix = affected.fixed_in(version) or _first_fix_above(version, advisory.get("fixed") or [])
            if fix is not None and (floor is None or fix > floor):
                floor = fix
    if matched:
        reasons.append(f"{len(matched)} advisor{'y' if len(matched) == 1 else 'ies'} ({_ids(matched)})")
    if any(row["insecure"] and try_version(row["version"]) == version for row in releases):
        reasons.append("the source marks this version insecure")
    later_security = [
        parsed
        for row in releases
        if row["kind"] == "security"
        and (parsed := try_version(row["version"])) is not None
        and parsed > version
        and parsed.branch(_depth(product, version)) == version.branch(_depth(product, version))
    ]
    if later_security:
        newest = max(later_security)
        reasons.append(f"security release {newest} is missing")
        floor = newest if floor is None or newest > floor else floor
    for fact in facts:
        if fact["status"] in ("insecure", "revoked"):
            reasons.append(f"{fact.get('reason') or 'marked insecure'}")
    return (reasons, matched, floor) if reasons else None


def _depth(product: str, version: Version) -> int:
    """How many numbers make a branch: TYPO3 12.4, Drupal 7 (one) or 10.3, plugins x.y."""
    if product.startswith("drupal") and version.major < 8:
        return 1
    return 2


def _first_fix_above(version: Version, fixed: list[str]) -> Version | None:
    above = [parsed for text in fixed if (parsed := try_version(text)) is not None and parsed > version]
    return min(above) if above else None


def _smallest_fix(
    version: Version, floor: Version | None, releases: list[dict[str, Any]], matched: list[dict[str, Any]]
) -> str | None:
    """The smallest known release at or above every fix point that no matched advisory covers and is not insecure."""
    ranges = [parse_constraint(advisory["affected"]) for advisory in matched]
    candidates = []
    for row in releases:
        parsed = try_version(row["version"])
        if parsed is None or parsed <= version or row["insecure"] or not parsed.is_stable:
            continue
        if floor is not None and parsed < floor:
            continue
        if any(affected.contains(parsed) for affected in ranges):
            continue
        candidates.append(parsed)
    if candidates:
        same_major = [c for c in candidates if c.major == version.major]
        return str(min(same_major or candidates))
    return str(floor) if floor is not None else None


def _end_of_life(
    version: Version,
    product: str,
    releases: list[dict[str, Any]],
    branches: list[dict[str, Any]],
    facts: list[dict[str, Any]],
    today: date,
) -> str | None:
    for fact in facts:
        if fact["status"] in ("unsupported", "closed"):
            return f"{fact.get('reason') or fact['status']}"
        supported = fact.get("supported_branches") or []
        if supported and not any(
            str(version).startswith(prefix) or _prefix_of(version, prefix) for prefix in supported
        ):
            return f"branch not supported (supported: {', '.join(supported)})"
    if any(row.get("state") == "unsupported" and try_version(row["version"]) == version for row in releases):
        return "release is unsupported"
    branch = _branch_of(version, branches)
    if branch is None:
        return None
    until = branch.get("security_until")
    if branch.get("eol") is True:
        return f"branch {branch['branch']} reached end of life"
    if isinstance(until, datetime) and until.date() < today:
        return f"branch {branch['branch']} reached end of life on {until.date().isoformat()}"
    return None


def _prefix_of(version: Version, prefix: str) -> bool:
    numbers = [part for part in prefix.strip(".").split(".") if part.isdigit()]
    return bool(numbers) and version.branch(len(numbers)) == tuple(int(n) for n in numbers)


def _branch_of(version: Version, branches: list[dict[str, Any]]) -> dict[str, Any] | None:
    best: tuple[int, dict[str, Any]] | None = None
    for row in branches:
        numbers = row["branch"].split(".")
        if not all(number.isdigit() for number in numbers):
            continue
        if version.branch(len(numbers)) == tuple(int(n) for n in numbers) and (best is None or len(numbers) > best[0]):
            best = (len(numbers), row)
    return best[1] if best else None


def _latest(
    version: Version | None,
    releases: list[dict[str, Any]],
    branches: list[dict[str, Any]],
    facts: list[dict[str, Any]],
) -> Version | None:
    """The newest stable version any source knows: releases, a product's latest, each branch's latest."""
    texts = [row["version"] for row in releases if not row["insecure"] and row["kind"] != "development"]
    texts += [row["latest"] for row in facts if row.get("latest")]
    texts += [row["latest"] for row in branches if row.get("latest")]
    versions = [parsed for text in texts if (parsed := try_version(text)) is not None and parsed.is_stable]
    return max(versions) if versions else None


def _advisory_list(matched: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for row in matched:
        seen.setdefault(
            row["advisory_id"],
            {
                "id": row["advisory_id"],
                "source": row["source"],
                "title": row["title"],
                "severity": row.get("severity"),
                "aliases": list(row.get("aliases") or []),
                "link": row.get("link"),
            },
        )
    return list(seen.values())


def _ids(matched: list[dict[str, Any]]) -> str:
    ids = list(dict.fromkeys(row["advisory_id"] for row in matched))
    return ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")


def _text(version: Version | None) -> str | None:
    return None if version is None else str(version)
