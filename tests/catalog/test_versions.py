"""Version comparison, table-tested against PHP version_compare and Composer's documented rules."""

from __future__ import annotations

import pytest

from sitewarden.catalog.versions import compare, parse_version, server_version, stability

ORDERED = [
    ("1.0-dev", "1.0a1"),
    ("1.0a1", "1.0b1"),
    ("1.0b1", "1.0RC1"),
    ("1.0RC1", "1.0"),
    ("1.0", "1.0pl1"),
    ("1.2.3-beta1", "1.2.3-beta2"),
    ("1.2.3-beta2", "1.2.3"),
    ("1.2.3", "1.2.3-p1"),
    ("1.2.3-p1", "1.2.3-p2"),
    ("1.2.3-p2", "1.2.4"),
    ("1.2.3-patch1", "1.2.3.4"),
    ("12.4.9", "12.4.10"),
    ("12.4.10", "13.0.0"),
    ("6.4", "6.4.1"),
    ("7.98", "7.100"),
    ("10.2.3", "10.10.0"),
    ("8.x-1.2", "8.x-1.10"),
    ("8.x-1.2-beta3", "8.x-1.2"),
    ("v1.2.3", "1.2.4"),
    ("10.4.59", "10.4.60"),
]

EQUAL = [
    ("6.4", "6.4.0"),
    ("v1.2.3", "1.2.3"),
    ("1.0RC1", "1.0rc1"),
    ("1.0-alpha1", "1.0a1"),
    ("1.0-beta.1", "1.0b1"),
    ("1.2.3+build7", "1.2.3"),
    ("1.2.3-pl1", "1.2.3-p1"),
    ("8.x-1.2", "1.2.0"),
]


@pytest.mark.parametrize(("older", "newer"), ORDERED)
def test_older_version_sorts_before_newer(older: str, newer: str) -> None:
    assert compare(parse_version(older), parse_version(newer)) == -1
    assert compare(parse_version(newer), parse_version(older)) == 1
    assert parse_version(older) < parse_version(newer)


@pytest.mark.parametrize(("left", "right"), EQUAL)
def test_equivalent_spellings_are_equal_and_hash_alike(left: str, right: str) -> None:
    assert parse_version(left) == parse_version(right)
    assert hash(parse_version(left)) == hash(parse_version(right))


@pytest.mark.parametrize("text", ["", "dev-master", "latest", "1.2.3 !", "x.1"])
def test_text_without_a_version_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_version(text)


def test_drupal_core_prefix_is_kept_apart() -> None:
    version = parse_version("7.x-2.14")
    assert version.core == "7.x"
    assert version.release == (2, 14)
    assert str(version) == "7.x-2.14"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8.3.14-1+ubuntu22.04.1+deb.sury.org+1", "8.3.14"),
        ("5.5.5-10.11.6-MariaDB", "10.11.6"),
        ("8.0.36-0ubuntu0.22.04.1", "8.0.36"),
        ("PostgreSQL 16.2 (Debian 16.2-1.pgdg120+2)", "16.2"),
    ],
)
def test_server_version_strings_reduce_to_their_release(text: str, expected: str) -> None:
    version = server_version(text)
    assert version is not None
    assert version == parse_version(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.2.3", "stable"), ("1.2.3-p1", "patch"), ("1.2.3-RC2", "rc"), ("2.0.0-beta1", "beta"), ("1.x-dev", "dev")],
)
def test_stability_names_the_least_stable_part(text: str, expected: str) -> None:
    assert stability(parse_version(text)) == expected
