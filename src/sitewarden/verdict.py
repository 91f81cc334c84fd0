"""The verdict scale: one ordered definition used by the catalogue, the store, the CLI, the API and the dashboard."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """An inventory item judged against the catalogue, most urgent first."""

    INSECURE = "insecure"
    EOL = "eol"
    MAJOR = "major"
    MINOR = "minor"
    BUGFIX = "bugfix"
    UP_TO_DATE = "up_to_date"
    UNKNOWN = "unknown"


VERDICTS: tuple[str, ...] = tuple(verdict.value for verdict in Verdict)
VERDICT_RANKS: dict[str, int] = {verdict: len(VERDICTS) - 1 - index for index, verdict in enumerate(VERDICTS)}
"""Urgency of a verdict, larger is worse; `unknown` (not in the catalogue, e.g. an in-house extension) ranks below
`up_to_date`, so an unknown item never hides a site's real state."""
OUTDATED: tuple[str, ...] = ("eol", "major", "minor", "bugfix")
"""Verdicts that mean "outdated" in reports and totals, most urgent first."""
