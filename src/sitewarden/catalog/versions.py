"""Version numbers as CMS, PHP and Composer write them, compared the way PHP's `version_compare` and Composer do.

`packaging` is PEP 440 only (it refuses `1.2.3-p1` and `8.x-1.2`), so the rules are written out here:
- the text is split into parts at `.`, `-`, `_`, `+` and at digit/letter boundaries (`4.3.2RC1` → 4 3 2 RC 1);
- the leading numbers are the release; trailing zeros do not count (`6.4` = `6.4.0`, as Composer normalises);
- the rest compares with PHP's special forms: other words < dev < alpha = a < beta = b < RC = rc < number < pl = p
  (so `1.0-dev` < `1.0a1` < `1.0RC1` < `1.0` < `1.0-p1`);
- a leading `v` is ignored, and Drupal's `8.x-1.2` is version `1.2` of a project for core `8.x`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

_DRUPAL_CORE_PREFIX = re.compile(r"^(\d+\.x)-(\d.*)$", re.IGNORECASE)
_PARTS = re.compile(r"\d+|[A-Za-z]+")
_SERVER = re.compile(r"(\d+(?:\.\d+)*)")
# PHP's special forms; the number itself ranks between rc and pl (php_version_compare's "#").
_FORMS = (("dev", 0), ("alpha", 1), ("a", 1), ("beta", 2), ("b", 2), ("rc", 3), ("#", 4), ("pl", 5), ("p", 5))
_NUMBER_RANK = 4
_CANONICAL = {0: "dev", 1: "alpha", 2: "beta", 3: "rc", 5: "patch"}

Part = int | str


def _form_rank(word: str) -> int:
    """Rank of a word among PHP's special forms (prefix match as PHP does it); unknown words rank lowest."""
    lowered = word.lower()
    for name, rank in _FORMS:
        if lowered.startswith(name):
            return rank
    return -1


@functools.total_ordering
@dataclass(frozen=True, slots=True, eq=False)
class Version:
    """A parsed version: numeric release, the rest (stability, patch level), and Drupal's core prefix."""

    text: str
    release: tuple[int, ...]
    rest: tuple[Part, ...] = ()
    core: str | None = field(default=None)

    @property
    def major(self) -> int:
        return self.release[0] if self.release else 0

    @property
    def minor(self) -> int:
        return self.release[1] if len(self.release) > 1 else 0

    @property
    def patch(self) -> int:
        return self.release[2] if len(self.release) > 2 else 0

    @property
    def is_stable(self) -> bool:
        """No dev/alpha/beta/RC part: a release a site should run (patch levels count as stable, as in Composer)."""
        return all(isinstance(part, int) or _form_rank(part) == 5 for part in self.rest)

    def branch(self, depth: int) -> tuple[int, ...]:
        """The first `depth` release numbers, zero-padded: `branch(2)` of 12.4.10 is (12, 4)."""
        padded = self.release + (0,) * max(0, depth - len(self.release))
        return padded[:depth]

    def key(self) -> tuple[tuple[int, ...], tuple[tuple[int, int | str], ...]]:
        """A normalised form: equal versions have equal keys (used for hashing, not ordering)."""
        release = list(self.release)
        while release and release[-1] == 0:
            release.pop()
        rest = tuple((_NUMBER_RANK, part) if isinstance(part, int) else (_form_rank(part), "") for part in self.rest)
        return tuple(release), rest

    def __hash__(self) -> int:
        return hash(self.key())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return compare(self, other) == 0

    def __lt__(self, other: Version) -> bool:
        return compare(self, other) < 0

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Version({self.text!r})"


def parse_version(text: str) -> Version:
    """Parse `12.4.10`, `v1.2.3`, `1.2.3-beta1`, `1.2.3-p1`, `6.4`, `7.98`, `8.x-1.2`; refuse text without a number."""
    original = text
    cleaned = text.strip()
    core = None
    match = _DRUPAL_CORE_PREFIX.match(cleaned)
    if match:
        core, cleaned = match.group(1).lower(), match.group(2)
    if cleaned[:1] in ("v", "V") and cleaned[1:2].isdigit():
        cleaned = cleaned[1:]
    cleaned = cleaned.split("+", 1)[0]  # build metadata never orders (SemVer 2.0)
    if not cleaned[:1].isdigit():
        raise ValueError(f"'{original}' is not a version number")
    tokens = _PARTS.findall(cleaned)
    if "".join(tokens) != re.sub(r"[._\-]", "", cleaned):
        raise ValueError(f"'{original}' is not a version number")
    release: list[int] = []
    index = 0
    while index < len(tokens) and tokens[index].isdigit():
        release.append(int(tokens[index]))
        index += 1
    rest: list[Part] = [int(token) if token.isdigit() else token for token in tokens[index:]]
    return Version(original.strip(), tuple(release), tuple(rest), core)


def try_version(text: str | None) -> Version | None:
    """parse_version, or None for text that is no version (an unknown or hidden one)."""
    if not text:
        return None
    try:
        return parse_version(text)
    except ValueError:
        return None


def server_version(text: str) -> Version | None:
    """The release of a server version string: `8.3.14-1+ubuntu22.04` → 8.3.14, `5.5.5-10.11.6-MariaDB` → 10.11.6."""
    cleaned = text.strip()
    if cleaned.startswith("5.5.5-"):  # MySQL protocol prefix MariaDB sends before its real version
        cleaned = cleaned[6:]
    match = _SERVER.search(cleaned)
    return parse_version(match.group(1)) if match else None


def compare(left: Version, right: Version) -> int:
    """-1, 0 or 1: release numbers first (missing ones are zero), then the rest by PHP's rules."""
    width = max(len(left.release), len(right.release))
    a = left.release + (0,) * (width - len(left.release))
    b = right.release + (0,) * (width - len(right.release))
    if a != b:
        return -1 if a < b else 1
    return _compare_rest(left.rest, right.rest)


def _compare_rest(left: tuple[Part, ...], right: tuple[Part, ...]) -> int:
    for a, b in zip(left, right, strict=False):
        result = _compare_part(a, b)
        if result:
            return result
    if len(left) == len(right):
        return 0
    # One ran out: a trailing number makes the longer one newer; a word is weighed against a plain release.
    if len(left) > len(right):
        extra = left[len(right)]
        return 1 if isinstance(extra, int) else _sign(_form_rank(extra) - _NUMBER_RANK)
    extra = right[len(left)]
    return -1 if isinstance(extra, int) else _sign(_NUMBER_RANK - _form_rank(extra))


def _compare_part(a: Part, b: Part) -> int:
    if isinstance(a, int) and isinstance(b, int):
        return _sign(a - b)
    rank_a = _NUMBER_RANK if isinstance(a, int) else _form_rank(a)
    rank_b = _NUMBER_RANK if isinstance(b, int) else _form_rank(b)
    return _sign(rank_a - rank_b)


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def stability(version: Version) -> str:
    """`stable`, `patch`, `rc`, `beta`, `alpha` or `dev`: the least stable word in the version."""
    ranks = [_form_rank(part) for part in version.rest if isinstance(part, str)]
    if not ranks:
        return "stable"
    return _CANONICAL.get(min(ranks), "dev")
