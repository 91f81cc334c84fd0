"""Judge one inventory item against the catalogue: insecure, eol, outdated, up_to_date or unknown.

Pure logic over the rows `store.catalog.product_rows` returns, so it is tested without a database. The item is
judged within its branch: an advisory, an insecure mark or a newer security release of the branch makes it
insecure; a branch past its support makes it eol; a newer release in the branch makes it outdated. Whether a newer
minor or major branch exists is the separate `upgrade` field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sitewarden.catalog.branches import Branch, branch_of, support_of
from sitewarden.catalog.ranges import VersionRange, parse_constraint
from sitewarden.catalog.records import SEVERITIES
from sitewarden.catalog.versions import Version, server_version, try_version
from sitewarden.verdict import Support, Upgrade, Verdict

SERVER_PRODUCTS = {"php", "mysql", "mariadb", "postgresql", "nginx"}
FINGERPRINT_CAVEAT = "version seen from outside (fingerprint): it cannot show security fixes a distribution backported"


@dataclass(frozen=True, slots=True)
class Item:
    """What is judged: the inventory item's kind and key, the catalogue product and the installed version."""

    kind: str
    key: str
    product: str
    version: str | None
    precision: str = "exact"
    source: str | None = None
    """How the version was learnt (`fingerprint`, `typo3_client`, `cms_health`, `manual` ...)."""
    aliases: tuple[str, ...] = ()
    """Other catalogue products that are the same software (`composer:georgringer/news` for `ter:news`)."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The user's choices that change verdicts: whether paid extended support (ELTS) counts as supported."""

    elts_supported: bool = False


@dataclass(slots=True)
class Assessment:
    """The verdict on one item, its branch and support, the advisories, the fixing version and the upgrade hint."""

    item: Item
    verdict: str
    summary: str
    advisories: list[dict[str, Any]] = field(default_factory=list)
    fixed_version: str | None = None
    latest: str | None = None
    branch: str | None = None
    support: str | None = None
    branch_latest: str | None = None
    upgrade: str = Upgrade.NONE.value
    fix_upgrade: bool = False
    """The fixing version is in a later branch (the item's own branch has no fixed release)."""
    caveat: str | None = None
    as_of: date | None = None
    """The day judged on: branch support and the releases and advisories known are those of that day."""

    @property
    def severity(self) -> str | None:
        """The worst advisory severity, for 'most severe first'."""
        ranks = [SEVERITIES.index(a["severity"]) for a in self.advisories if a.get("severity") in SEVERITIES]
        return SEVERITIES[max(ranks)] if ranks else None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `sitewarden verdict --json` and `GET /api/v1/verdict`."""
        return {
            "product": self.item.product,
            "version": self.item.version,
            "verdict": self.verdict,
            "branch": self.branch,
            "support": self.support,
            "advisories": self.advisories,
            "fixed_version": self.fixed_version,
            "fix_is_upgrade": self.fix_upgrade,
            "branch_latest": self.branch_latest,
            "latest": self.latest,
            "upgrade": self.upgrade,
            "caveat": self.caveat,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "summary": self.summary,
        }


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


@dataclass(slots=True)
class _Catalog:
    """The rows about one item's products, split by table."""

    releases: list[dict[str, Any]]
    branches: list[dict[str, Any]]
    advisories: list[dict[str, Any]]
    facts: list[dict[str, Any]]
    later: set[Version] = field(default_factory=set)
    """Versions released after the day judged on: unknown on that day, so no branch or product latest names them."""

    @classmethod
    def of(cls, products: set[str], rows: dict[str, list[dict[str, Any]]], today: date) -> _Catalog:
        """The rows about `products` as the catalogue knew them on `today`: later releases and advisories left out.

        Judged on the current day this leaves nothing out; judged on an earlier day (`sitewarden verdict --date`)
        the verdict is the one that day's data gave, e.g. TYPO3 13.4.33 up to date on 2026-08-10, before 13.4.34.
        """

        def pick(table: str, moment: str | None = None) -> list[dict[str, Any]]:
            chosen = [row for row in rows.get(table, []) if row["product"] in products]
            return [row for row in chosen if not _after(row.get(moment) if moment else None, today)]

        releases = [row for row in rows.get("catalog_releases", []) if row["product"] in products]
        later = {
            parsed
            for row in releases
            if _after(row.get("released_at"), today) and (parsed := try_version(row["version"])) is not None
        }
        return cls(
            [row for row in releases if not _after(row.get("released_at"), today)],
            pick("catalog_branches", "released_at"),
            pick("catalog_advisories", "published_at"),
            pick("catalog_products"),
            later,
        )

    @property
    def empty(self) -> bool:
        return not (self.releases or self.branches or self.advisories or self.facts)


def assess_item(
    item: Item, rows: dict[str, list[dict[str, Any]]], today: date | None = None, policy: Policy | None = None
) -> Assessment:
    """The verdict for one item from the catalogue rows of its product (and the products linked to it).

    `today` is the day judged on (support states, and which releases and advisories existed); the current day
    unless asked about another.
    """
    today = today or datetime.now(UTC).date()
    assessment = _assess(item, rows, today, policy or Policy())
    assessment.as_of = today
    return assessment


def _assess(item: Item, rows: dict[str, list[dict[str, Any]]], today: date, policy: Policy) -> Assessment:
    catalog = _Catalog.of({item.product, *item.aliases}, rows, today)
    caveat = FINGERPRINT_CAVEAT if item.source == "fingerprint" else None
    if catalog.empty:
        return Assessment(item, Verdict.UNKNOWN, f"{item.product} is not in the catalogue", caveat=caveat)
    version = _installed(item)
    known = _known_versions(catalog)
    latest = max(known) if known else None
    if version is None:
        return Assessment(item, Verdict.UNKNOWN, "installed version unknown", latest=_text(latest), caveat=caveat)
    if item.precision != "exact":
        return _assess_partial(item, version, catalog, today, latest, caveat)
    return _Judgement(item, version, catalog, today, policy, known).assess(caveat)


class _Judgement:
    """The questions asked about one exact version, in order of urgency."""

    def __init__(
        self, item: Item, version: Version, catalog: _Catalog, today: date, policy: Policy, known: list[Version]
    ) -> None:
        self.item, self.version, self.catalog, self.today, self.policy = item, version, catalog, today, policy
        self.known = known
        self.product = item.product
        self.branch = branch_of(self.product, version, catalog.branches)
        self.support = support_of(self.branch, catalog.branches, catalog.facts, today) or self._latest_line_only()
        self.ranges = [(row, _range(row)) for row in catalog.advisories]
        self.marked = {
            parsed for row in catalog.releases if row["insecure"] and (parsed := try_version(row["version"]))
        }

    def _latest_line_only(self) -> Support | None:
        """WordPress supports only its newest branch: without branch data, the branch of the latest is supported."""
        if self.product != "wordpress":
            return None
        latest = [parsed for fact in self.catalog.facts if (parsed := try_version(fact.get("latest")))]
        if not latest:
            return None
        newest = max(latest)
        return Support.SUPPORTED if self.branch.holds(newest) or self.version > newest else Support.EOL

    def in_branch(self, candidate: Version) -> bool:
        return self.branch.holds(candidate)

    def assess(self, caveat: str | None) -> Assessment:
        version, product = self.version, self.product
        in_branch = [known for known in self.known if self.in_branch(known)]
        branch_latest = max(in_branch) if in_branch else None
        result = Assessment(
            self.item,
            Verdict.UNKNOWN,
            "",
            latest=_text(max(self.known) if self.known else None),
            branch=self.branch.name,
            support=self.support.value if self.support else None,
            branch_latest=_text(branch_latest),
            upgrade=self._upgrade().value,
            caveat=caveat,
        )
        where = f"{product} {version.text} (branch {self.branch.name}, {result.support or 'support unknown'})"
        reasons, matched, floor = self._insecurity()
        ended = self.support is Support.EOL or (self.support is Support.ELTS and not self.policy.elts_supported)
        state = "in paid extended support only" if self.support is Support.ELTS else "past end of life"
        until = (self.branch.row or {}).get("security_until")
        since = f" (since {until:%Y-%m-%d})" if isinstance(until, datetime | date) else ""
        end_text = f"branch {self.branch.name} is {state}{since}"
        if reasons:
            result.verdict = Verdict.INSECURE
            result.advisories = _advisory_list(matched)
            fixed, upgrade = self._fix(floor)
            result.fixed_version, result.fix_upgrade = _text(fixed), upgrade
            fix_text = ""
            if fixed is not None:
                fix_text = f"; fixed in {fixed.text}" + (" (an upgrade to a later branch)" if upgrade else "")
            also = f"; {end_text}" if ended else ""
            result.summary = f"{where}: insecure: {'; '.join(reasons)}{fix_text}{also}"
        elif ended:
            result.verdict = Verdict.EOL
            result.summary = f"{where}: {end_text}"
        elif not self.known and self.support is None:
            result.verdict = Verdict.UNKNOWN
            result.summary = f"{where}: no releases or advisories of it are known"
        elif branch_latest is not None and branch_latest > version:
            result.verdict = Verdict.OUTDATED
            result.summary = f"{where}: outdated, {branch_latest.text} is the newest release of the branch"
        else:
            result.verdict = Verdict.UP_TO_DATE
            result.summary = f"{where}: up to date"
        if result.upgrade != Upgrade.NONE and result.latest is not None:
            result.summary += f"; {result.upgrade} upgrade to {result.latest} available"
        if caveat:
            result.summary += f" ({caveat})"
        return result

    def _insecurity(self) -> tuple[list[str], list[dict[str, Any]], Version | None]:
        version = self.version
        reasons: list[str] = []
        matched = [row for row, found in self.ranges if found is not None and found.contains(version)]
        floor: Version | None = None
        if matched:
            ids = _advisory_list(matched)
            names = ", ".join(advisory["id"] for advisory in ids[:3]) + (
                f" and {len(ids) - 3} more" if len(ids) > 3 else ""
            )
            reasons.append(f"{len(ids)} advisor{'y' if len(ids) == 1 else 'ies'} ({names})")
        if version in self.marked:
            reasons.append("the source marks this version insecure")
        later_security = [
            parsed
            for row in self.catalog.releases
            if row["kind"] == "security"
            and (parsed := try_version(row["version"])) is not None
            and parsed > version
            and parsed.is_stable
            and self.in_branch(parsed)
        ]
        if later_security:
            floor = max(later_security)
            reasons.append(f"security release {floor.text} of its branch is missing")
        for fact in self.catalog.facts:
            if fact["status"] in ("insecure", "revoked"):
                reasons.append(f"{fact.get('reason') or 'marked insecure'}")
        return reasons, matched, floor

    def _covered(self, candidate: Version) -> bool:
        return candidate in self.marked or any(found and found.contains(candidate) for _, found in self.ranges)

    def _fix(self, floor: Version | None) -> tuple[Version | None, bool]:
        """Smallest release of the own branch no advisory covers; else of the oldest supported later branch."""
        candidates = sorted(
            known
            for known in self.known
            if known > self.version and (floor is None or known >= floor) and not self._covered(known)
        )
        own = [candidate for candidate in candidates if self.in_branch(candidate)]
        if own:
            return own[0], False
        for candidate in candidates:
            branch = branch_of(self.product, candidate, self.catalog.branches)
            state = support_of(branch, self.catalog.branches, self.catalog.facts, self.today)
            usable = state is Support.SUPPORTED or (state is Support.ELTS and self.policy.elts_supported)
            if usable or (state is None and not self._any_support_known()):
                return candidate, True
        return None, False

    def _any_support_known(self) -> bool:
        return bool(self.catalog.branches) or any(fact.get("supported_branches") for fact in self.catalog.facts)

    def _upgrade(self) -> Upgrade:
        newer = [known for known in self.known if known > self.version and not self.in_branch(known)]
        if any(known.major > self.version.major for known in newer):
            return Upgrade.MAJOR
        return Upgrade.MINOR if newer else Upgrade.NONE


def _assess_partial(
    item: Item, version: Version, catalog: _Catalog, today: date, latest: Version | None, caveat: str | None
) -> Assessment:
    """Only part of the version is known (a fingerprint saw `6.4` or `10`): judge the branch, never the release.

    Reading `6.4` as `6.4.0` would call nearly every site insecure; what such evidence can show is end of life,
    when every branch the partial version can be on is past its support.
    """
    depth = max(1, len(version.release))
    lines: list[Branch] = []
    for row in catalog.branches:
        candidate = try_version(str(row["branch"]))
        if candidate is None:
            continue
        numbers = candidate.release
        width = min(depth, len(numbers))
        if numbers[:width] == version.release[:width]:
            lines.append(Branch(str(row["branch"]), numbers, row))
    states = {support_of(line, catalog.branches, catalog.facts, today) for line in lines}
    if lines and states == {Support.EOL}:
        summary = f"{item.product} {item.version}: every branch it can be on is past end of life"
        return Assessment(
            item, Verdict.EOL, summary, latest=_text(latest), branch=item.version, support="eol", caveat=caveat
        )
    summary = f"{item.product} {item.version}: only the {item.precision} version is known, no verdict on the release"
    return Assessment(item, Verdict.UNKNOWN, summary, latest=_text(latest), caveat=caveat)


def _installed(item: Item) -> Version | None:
    if item.version is None:
        return None
    if item.product in SERVER_PRODUCTS:
        return server_version(item.version)
    return try_version(item.version)


def _range(row: dict[str, Any]) -> VersionRange | None:
    try:
        return parse_constraint(row["affected"])
    except ValueError:
        return None


def _known_versions(catalog: _Catalog) -> list[Version]:
    """Every stable release any source names: releases, branch and product latests, advisories' fixed versions."""
    texts = [row["version"] for row in catalog.releases if row["kind"] != "development"]
    texts += [row["latest"] for row in catalog.facts if row.get("latest")]
    texts += [row["latest"] for row in catalog.branches if row.get("latest")]
    texts += [text for row in catalog.advisories for text in row.get("fixed") or []]
    found = {parsed for text in texts if (parsed := try_version(text)) is not None and parsed.is_stable}
    return sorted(found - catalog.later)


def _after(moment: Any, today: date) -> bool:
    """Whether a stored release or publication time lies after the day judged on."""
    if isinstance(moment, datetime):
        return moment.date() > today
    if isinstance(moment, date):
        return moment > today
    return False


def _advisory_list(matched: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Matched advisories, one entry per vulnerability: records of several sources sharing an id or CVE merge."""
    merged: list[dict[str, Any]] = []
    for row in sorted(matched, key=lambda row: (_rank(str(row["advisory_id"])), str(row["advisory_id"]))):
        own = str(row["advisory_id"])
        names = {own, *(str(alias) for alias in row.get("aliases") or [])}
        for entry in merged:
            known = {entry["id"], *entry["aliases"]}
            if names & known:
                entry["aliases"] = sorted((known | names) - {entry["id"]})
                entry["severity"] = entry["severity"] or row.get("severity")
                entry["link"] = entry["link"] or row.get("link")
                break
        else:
            primary = min(names, key=lambda name: (_rank(name), name != own, name))
            merged.append(
                {
                    "id": primary,
                    "source": row.get("source"),
                    "title": row.get("title") or "",
                    "severity": row.get("severity"),
                    "aliases": sorted(names - {primary}),
                    "link": row.get("link"),
                    "product": row.get("product"),
                }
            )
    return merged


def _rank(name: str) -> int:
    """Vendor advisory ids (TYPO3-CORE-SA, SA-CORE, DRUPAL-) name an entry before GitHub, CVE or Packagist ids."""
    ident = name.upper()
    if ident.startswith(("TYPO3-", "DRUPAL-", "SA-")):
        return 0
    return 1 if ident.startswith(("GHSA-", "CVE-")) else 2


def _text(version: Version | None) -> str | None:
    return None if version is None else version.text
