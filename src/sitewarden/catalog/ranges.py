"""Affected-version ranges as advisories write them, read into one form: a union of intervals.

Forms read here: Composer constraints (`^1.2`, `~1.2.3`, `1.0.*`, `1.0 - 2.0`, `>=10.0.0,<10.4.33|>=11.0.0,<11.5.20`;
`,` or a space is AND, `|` or `||` is OR), FriendsOfPHP lists (`['>=10.0.0', '<10.4.33']`, all must hold), OSV
`introduced`/`fixed`/`last_affected`/`limit` events, and Wordfence `from`/`to` bounds with inclusive flags and `*`.
A range prints back as a Composer constraint, which is how the catalogue stores it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sitewarden.catalog.versions import Version, parse_version

_OPERATOR = re.compile(r"^(>=|<=|<>|!=|==|>|<|=)?(.+)$")
_SPACE_AFTER_OPERATOR = re.compile(r"(>=|<=|<>|!=|==|>|<|=|\^|~)\s+")
_HYPHEN = re.compile(r"^\s*(\S+)\s+-\s+(\S+)\s*$")


@dataclass(frozen=True, slots=True)
class Interval:
    """Versions between two bounds; a missing bound is open-ended."""

    low: Version | None = None
    low_inclusive: bool = True
    high: Version | None = None
    high_inclusive: bool = False

    def contains(self, version: Version) -> bool:
        if self.low is not None and (version < self.low or (version == self.low and not self.low_inclusive)):
            return False
        return not (
            self.high is not None and (version > self.high or (version == self.high and not self.high_inclusive))
        )

    def intersect(self, other: Interval) -> Interval | None:
        low, low_inclusive = self.low, self.low_inclusive
        if other.low is not None and (low is None or other.low > low or (other.low == low and not other.low_inclusive)):
            low, low_inclusive = other.low, other.low_inclusive
        high, high_inclusive = self.high, self.high_inclusive
        if other.high is not None and (
            high is None or other.high < high or (other.high == high and not other.high_inclusive)
        ):
            high, high_inclusive = other.high, other.high_inclusive
        if (
            low is not None
            and high is not None
            and (low > high or (low == high and not (low_inclusive and high_inclusive)))
        ):
            return None
        return Interval(low, low_inclusive, high, high_inclusive)

    def __str__(self) -> str:
        if self.low is not None and self.high is not None and self.low == self.high:
            return f"=={self.low.text}"
        parts = []
        if self.low is not None:
            parts.append(f"{'>=' if self.low_inclusive else '>'}{self.low.text}")
        if self.high is not None:
            parts.append(f"{'<=' if self.high_inclusive else '<'}{self.high.text}")
        return ",".join(parts) or "*"


@dataclass(frozen=True, slots=True)
class VersionRange:
    """A union of intervals: a version is in the range when any interval holds it."""

    intervals: tuple[Interval, ...]

    def contains(self, version: Version) -> bool:
        return any(interval.contains(version) for interval in self.intervals)

    def fixed_in(self, version: Version) -> Version | None:
        """The exclusive upper bound of the interval holding `version`: the release that fixes it, if the range says."""
        for interval in self.intervals:
            if interval.contains(version) and interval.high is not None and not interval.high_inclusive:
                return interval.high
        return None

    def intersect(self, other: VersionRange) -> VersionRange:
        found = [a.intersect(b) for a in self.intervals for b in other.intervals]
        return VersionRange(tuple(interval for interval in found if interval is not None))

    def __str__(self) -> str:
        return "|".join(str(interval) for interval in self.intervals) if self.intervals else "<0-dev"

    @property
    def empty(self) -> bool:
        return not self.intervals


ANY = VersionRange((Interval(),))


def parse_constraint(text: str) -> VersionRange:
    """A Composer constraint (as Packagist `affectedVersions` and composer.json write it) as a range."""
    alternatives = [part for part in re.split(r"\|\|?", text) if part.strip()]
    if not alternatives:
        raise ValueError(f"'{text}' is not a version constraint")
    intervals: list[Interval] = []
    for alternative in alternatives:
        intervals.extend(_parse_conjunction(alternative).intervals)
    return VersionRange(tuple(intervals))


def _parse_conjunction(text: str) -> VersionRange:
    hyphen = _HYPHEN.match(text)
    if hyphen:
        return _hyphen_range(hyphen.group(1), hyphen.group(2))
    terms = [term for term in re.split(r"[\s,]+", _SPACE_AFTER_OPERATOR.sub(r"\1", text.strip())) if term]
    result = ANY
    for term in terms:
        result = result.intersect(_parse_term(term))
    return result


def _parse_term(term: str) -> VersionRange:
    term = term.split("@", 1)[0]  # stability flags (`@dev`) do not change which versions match
    if term in ("*", "x", "X", ""):
        return ANY
    if term.startswith("^"):
        return _caret(_version(term[1:], term))
    if term.startswith("~"):
        return _tilde(_version(term[1:], term))
    if re.search(r"\.[*xX]$", term):
        return _wildcard(term)
    match = _OPERATOR.match(term)
    assert match is not None
    operator, version = match.group(1) or "==", _version(match.group(2), term)
    if operator in ("==", "="):
        return VersionRange((Interval(version, True, version, True),))
    if operator in ("!=", "<>"):
        return VersionRange((Interval(high=version), Interval(low=version, low_inclusive=False)))
    low = operator in (">", ">=")
    inclusive = operator.endswith("=")
    return VersionRange(
        (Interval(low=version, low_inclusive=inclusive) if low else Interval(high=version, high_inclusive=inclusive),)
    )


def _version(text: str, term: str) -> Version:
    try:
        return parse_version(text)
    except ValueError:
        raise ValueError(f"'{term}' is not a version constraint") from None


def _dev(numbers: Sequence[int]) -> Version:
    """The lowest version of a release line (`2.0.0-dev`), so an upper bound excludes the next line's pre-releases."""
    return parse_version(".".join(str(number) for number in numbers) + "-dev")


def _caret(version: Version) -> VersionRange:
    release = list(version.release) or [0]
    for index, number in enumerate(release):
        if number != 0 or index == len(release) - 1:
            upper = release[:index] + [number + 1]
            break
    return VersionRange((Interval(low=version, high=_dev(upper)),))


def _tilde(version: Version) -> VersionRange:
    release = list(version.release)
    upper = [release[0] + 1] if len(release) <= 2 else release[:-2] + [release[-2] + 1]
    return VersionRange((Interval(low=version, high=_dev(upper)),))


def _wildcard(term: str) -> VersionRange:
    numbers = [int(part) for part in term.rstrip("*xX").rstrip(".").split(".")]
    upper = numbers[:-1] + [numbers[-1] + 1]
    return VersionRange((Interval(low=_dev(numbers), high=_dev(upper)),))


def _hyphen_range(low_text: str, high_text: str) -> VersionRange:
    low, high = _version(low_text, low_text), _version(high_text, high_text)
    if len(high.release) >= 3:
        return VersionRange((Interval(low=low, high=high, high_inclusive=True),))
    numbers = list(high.release)
    return VersionRange((Interval(low=low, high=_dev(numbers[:-1] + [numbers[-1] + 1])),))


def from_constraint_list(constraints: Iterable[str]) -> VersionRange:
    """FriendsOfPHP's `versions: ['>=10.0.0', '<10.4.33']`: every constraint must hold."""
    result = ANY
    for constraint in constraints:
        result = result.intersect(parse_constraint(constraint))
    return result


def from_osv_events(events: Sequence[Mapping[str, Any]], versions: Iterable[str] = ()) -> VersionRange:
    """An OSV `ranges[].events` list (introduced / fixed / last_affected / limit), plus explicit `versions`."""
    intervals: list[Interval] = []
    low: Version | None = None
    is_open = False
    for event in sorted(events, key=_event_order):
        (name, value), *_ = event.items()
        if name == "introduced":
            if not is_open:
                low, is_open = (None if value == "0" else parse_version(str(value))), True
        elif name in ("fixed", "limit", "last_affected") and is_open:
            version = parse_version(str(value))
            intervals.append(Interval(low=low, high=version, high_inclusive=name == "last_affected"))
            is_open = False
    if is_open:
        intervals.append(Interval(low=low))
    for text in versions:
        version = parse_version(text)
        intervals.append(Interval(version, True, version, True))
    return VersionRange(tuple(intervals))


def _event_order(event: Mapping[str, Any]) -> tuple[int, Version | None, int]:
    (name, value), *_ = event.items()
    if name == "introduced" and value == "0":
        return (0, None, 0)
    # at one version a fix closes a range before an introduction opens the next, and a range that is introduced and
    # last affected at one version (Drupal's `3.0.1` alone) opens before it closes
    return (1, parse_version(str(value)), {"introduced": 1, "last_affected": 2}.get(name, 0))


def from_bounds(low: str | None, low_inclusive: bool, high: str | None, high_inclusive: bool) -> VersionRange:
    """Wordfence's `from_version`/`to_version` with inclusive flags; `*` or nothing is open-ended."""
    low_version = None if low in (None, "", "*") else parse_version(str(low))
    high_version = None if high in (None, "", "*") else parse_version(str(high))
    return VersionRange((Interval(low_version, low_inclusive, high_version, high_inclusive),))


DRUPAL_8 = parse_version("8.0.0-dev")
DRUPAL_CORE_FLOOR = VersionRange((Interval(low=DRUPAL_8),))
"""`drupal/core` exists from Drupal 8 on: its ranges (`<10.5.12`, OSV `introduced: 0`) never reach Drupal 7."""
DRUPAL_7 = VersionRange((Interval(low=parse_version("7.0-dev"), high=DRUPAL_8),))


def package_range(package: str, found: VersionRange) -> VersionRange:
    """An advisory's range as it applies to the product of `package`.

    drupal/core ranges are cut to Drupal 8 and later, except an interval that ends below 8, which is written for
    Drupal 7 on purpose (FriendsOfPHP files `7.x: ['>=7.0.0', '<7.70']` under drupal/core) and kept within 7.x.
    """
    if package.strip().lower() != "drupal/core":
        return found
    seven = VersionRange(tuple(i for i in found.intervals if i.high is not None and i.high <= DRUPAL_8))
    later = VersionRange(tuple(i for i in found.intervals if not (i.high is not None and i.high <= DRUPAL_8)))
    return VersionRange(seven.intersect(DRUPAL_7).intervals + later.intersect(DRUPAL_CORE_FLOOR).intervals)


def drupal_7_range(text: str) -> VersionRange:
    """The Drupal 7 part of a Drupal advisory's `affected_versions` (`>=7.0 <7.91 || >= 8.0.0 <9.3.19`).

    An interval counts only when its upper bound is below 8: `<10.5.12` there is about drupal/core, not Drupal 7.
    """
    try:
        found = parse_constraint(text)
    except ValueError:
        return VersionRange(())
    own = VersionRange(tuple(i for i in found.intervals if i.high is not None and i.high <= DRUPAL_8))
    return own.intersect(DRUPAL_7)
