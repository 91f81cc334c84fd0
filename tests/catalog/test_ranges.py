"""Advisory ranges in their four source forms, table-tested."""

from __future__ import annotations

import pytest

from sitewarden.catalog.ranges import (
    from_bounds,
    from_constraint_list,
    from_osv_events,
    parse_constraint,
)
from sitewarden.catalog.versions import parse_version

COMPOSER = [
    (
        ">=10.0.0,<10.4.33|>=11.0.0,<11.5.20",
        ["10.0.0", "10.4.32", "11.5.19"],
        ["9.5.40", "10.4.33", "11.5.20", "12.0.0"],
    ),
    (">=10.0.0 <10.4.33 || >=11.0.0 <11.5.20", ["10.4.0", "11.0.0"], ["10.4.33", "11.5.20"]),
    ("^1.2.3", ["1.2.3", "1.9.9"], ["1.2.2", "2.0.0", "2.0.0-beta1"]),
    ("^0.3", ["0.3.0", "0.3.9"], ["0.4.0", "0.2.9"]),
    ("~1.2", ["1.2.0", "1.9.0"], ["2.0.0", "1.1.9"]),
    ("~1.2.3", ["1.2.3", "1.2.99"], ["1.3.0", "1.2.2"]),
    ("1.0.*", ["1.0.0", "1.0.99"], ["1.1.0", "0.9.9"]),
    ("1.0 - 2.0", ["1.0.0", "2.0.5"], ["2.1.0", "0.9"]),
    ("1.0.0 - 2.1.0", ["2.1.0"], ["2.1.1"]),
    ("<=2.4.1", ["2.4.1", "0.1"], ["2.4.2"]),
    (">2.4.1", ["2.4.2"], ["2.4.1"]),
    ("!=1.5.0", ["1.4.0", "1.6.0"], ["1.5.0"]),
    ("==1.5.0", ["1.5.0", "1.5"], ["1.5.1"]),
    ("1.5.0", ["1.5.0"], ["1.5.1"]),
    (">= 3.0, < 3.2.1", ["3.1.0"], ["3.2.1"]),
    ("*", ["0.0.1", "99"], []),
]


@pytest.mark.parametrize(("constraint", "inside", "outside"), COMPOSER)
def test_composer_constraint_holds_exactly_its_versions(constraint: str, inside: list[str], outside: list[str]) -> None:
    parsed = parse_constraint(constraint)
    for text in inside:
        assert parsed.contains(parse_version(text)), text
    for text in outside:
        assert not parsed.contains(parse_version(text)), text


@pytest.mark.parametrize("constraint", [">=10.0.0,<10.4.33|>=11.0.0,<11.5.20", "^1.2.3", "~1.2", "!=1.5.0", "<=2.4.1"])
def test_range_prints_as_a_constraint_that_parses_back_to_the_same_range(constraint: str) -> None:
    parsed = parse_constraint(constraint)
    again = parse_constraint(str(parsed))
    for text in ["0.1", "1.2.2", "1.2.3", "1.5.0", "1.9", "2.0.0", "2.4.1", "10.4.32", "10.4.33", "11.5.19", "12"]:
        assert parsed.contains(parse_version(text)) == again.contains(parse_version(text)), text


@pytest.mark.parametrize("constraint", ["", ">=", "^foo", ">=1.0,<bar"])
def test_broken_constraint_is_refused(constraint: str) -> None:
    with pytest.raises(ValueError):
        parse_constraint(constraint)


def test_friendsofphp_list_is_an_and_of_its_constraints() -> None:
    parsed = from_constraint_list([">=10.0.0", "<10.4.33"])
    assert parsed.contains(parse_version("10.4.32"))
    assert not parsed.contains(parse_version("10.4.33"))
    assert not parsed.contains(parse_version("9.5.0"))
    assert parsed.fixed_in(parse_version("10.1.0")) == parse_version("10.4.33")


def test_osv_events_make_one_interval_per_introduction() -> None:
    events = [{"introduced": "0"}, {"fixed": "10.4.33"}, {"introduced": "11.0.0"}, {"fixed": "11.5.20"}]
    parsed = from_osv_events(events)
    assert parsed.contains(parse_version("9.0.0"))
    assert not parsed.contains(parse_version("10.4.33"))
    assert not parsed.contains(parse_version("10.9.0"))
    assert parsed.contains(parse_version("11.5.19"))
    assert parsed.fixed_in(parse_version("11.1.0")) == parse_version("11.5.20")


def test_osv_last_affected_is_inclusive_and_versions_are_exact() -> None:
    parsed = from_osv_events([{"introduced": "2.0.0"}, {"last_affected": "2.3.1"}], versions=["1.0.0"])
    assert parsed.contains(parse_version("2.3.1"))
    assert not parsed.contains(parse_version("2.3.2"))
    assert parsed.contains(parse_version("1.0.0"))
    assert parsed.fixed_in(parse_version("2.1.0")) is None


def test_osv_range_introduced_and_last_affected_at_one_version_holds_only_that_version() -> None:
    """The drupal-advisory-database writes a single affected release as introduced X, last_affected X."""
    parsed = from_osv_events([{"introduced": "3.0.1"}, {"last_affected": "3.0.1"}])
    assert parsed.contains(parse_version("3.0.1"))
    assert not parsed.contains(parse_version("3.0.2"))
    assert not parsed.contains(parse_version("3.0.0"))


def test_osv_introduced_without_fix_is_open_ended() -> None:
    parsed = from_osv_events([{"introduced": "3.0.0"}])
    assert parsed.contains(parse_version("99.0"))
    assert not parsed.contains(parse_version("2.9"))


@pytest.mark.parametrize(
    ("low", "low_inclusive", "high", "high_inclusive", "inside", "outside"),
    [
        ("*", True, "1.2.3", True, ["0.1", "1.2.3"], ["1.2.4"]),
        ("1.0.0", True, "1.2.3", False, ["1.0.0", "1.2.2"], ["1.2.3", "0.9"]),
        ("1.0.0", False, "*", True, ["1.0.1", "50"], ["1.0.0"]),
    ],
)
def test_wordfence_bounds_honour_their_inclusive_flags(
    low: str, low_inclusive: bool, high: str, high_inclusive: bool, inside: list[str], outside: list[str]
) -> None:
    parsed = from_bounds(low, low_inclusive, high, high_inclusive)
    assert all(parsed.contains(parse_version(text)) for text in inside)
    assert not any(parsed.contains(parse_version(text)) for text in outside)
