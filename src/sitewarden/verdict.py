"""The verdict scale: one ordered definition used by the catalogue, the store, the CLI, the API and the dashboard.

Besides the verdict, an item carries its branch's support state and an `upgrade` hint (a newer minor or major
branch exists); the hint is shown next to the verdict and never mixed into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Verdict(StrEnum):
    """An inventory item judged against the catalogue, most urgent first."""

    INSECURE = "insecure"
    EOL = "eol"
    OUTDATED = "outdated"
    UP_TO_DATE = "up_to_date"
    UNKNOWN = "unknown"

    @property
    def exit_code(self) -> int:
        """`sitewarden verdict` exit status: 2 insecure, 1 eol or outdated, 0 up to date, 3 unknown."""
        return {"insecure": 2, "eol": 1, "outdated": 1, "up_to_date": 0}.get(self.value, 3)


class Support(StrEnum):
    """The support state of a branch: community support, paid extended support (ELTS), or none."""

    SUPPORTED = "supported"
    ELTS = "elts"
    EOL = "eol"


class Upgrade(StrEnum):
    """Whether a newer branch exists: a newer major, a newer minor of the same major, or none."""

    MAJOR = "major"
    MINOR = "minor"
    NONE = "none"


VERDICTS: tuple[str, ...] = tuple(verdict.value for verdict in Verdict)
VERDICT_RANKS: dict[str, int] = {verdict: len(VERDICTS) - 1 - index for index, verdict in enumerate(VERDICTS)}
"""Urgency of a verdict, larger is worse; `unknown` (not in the catalogue, e.g. an in-house extension) ranks below
`up_to_date`, so an unknown item never hides a site's real state."""
OUTDATED: tuple[str, ...] = (Verdict.EOL.value, Verdict.OUTDATED.value)
"""Verdicts that mean "needs an update" (short of insecure) in reports and totals, most urgent first."""
SUPPORT_STATES: tuple[str, ...] = tuple(state.value for state in Support)
UPGRADES: tuple[str, ...] = tuple(upgrade.value for upgrade in Upgrade)


def worst_verdict(verdicts: Iterable[str]) -> str | None:
    """The most urgent verdict of a collection, None when it is empty."""
    return max(verdicts, key=lambda verdict: VERDICT_RANKS.get(verdict, 0), default=None)
