"""Per-site summaries of stored verdicts: worst verdict, what to update to, advisory severity."""

from __future__ import annotations

from typing import Any

import pytest

from sitewarden.catalog.summary import advisory_ids, site_verdicts, update_to
from sitewarden.verdict import worst_verdict


def row(site: str, verdict: str, **values: Any) -> dict[str, Any]:
    return {"site": site, "verdict": verdict, "fixed_version": None, "latest": None, "advisories": [], **values}


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        (["up_to_date", "unknown"], "up_to_date"),
        (["unknown"], "unknown"),
        (["outdated", "eol", "up_to_date"], "eol"),
        (["outdated", "insecure", "eol"], "insecure"),
        ([], None),
    ],
)
def test_worst_verdict_ranks_unknown_below_up_to_date(verdicts: list[str], expected: str | None) -> None:
    assert worst_verdict(verdicts) == expected


def test_update_to_is_the_fix_when_insecure_and_the_latest_when_outdated() -> None:
    assert update_to(row("a", "insecure", fixed_version="12.4.22", latest="13.4.1")) == "12.4.22"
    assert update_to(row("a", "insecure", latest="13.4.1")) == "13.4.1"
    assert update_to(row("a", "outdated", fixed_version=None, latest="12.3.5")) == "12.3.5"
    assert update_to(row("a", "up_to_date", latest="12.3.5")) is None


def test_site_summary_takes_the_worst_advisory_severity_or_unrated() -> None:
    high = {"id": "GHSA-1", "severity": "high", "aliases": ["CVE-2024-1"]}
    low = {"id": "GHSA-2", "severity": "low", "aliases": []}
    summaries = site_verdicts(
        [
            row("shop", "insecure", advisories=[low, high]),
            row("shop", "outdated"),
            row("blog", "insecure"),
            row("blog", "insecure"),
            row("wiki", "unknown"),
        ]
    )
    assert list(summaries) == ["blog", "shop", "wiki"]
    assert (summaries["shop"].verdict, summaries["shop"].severity, summaries["shop"].advisories) == (
        "insecure",
        "high",
        ["GHSA-2", "GHSA-1"],
    )
    assert (summaries["blog"].items, summaries["blog"].severity) == (2, "unrated")
    assert (summaries["wiki"].verdict, summaries["wiki"].severity) == ("unknown", None)
    assert advisory_ids(row("shop", "insecure", advisories=[high]), aliases=True) == ["GHSA-1 (CVE-2024-1)"]
