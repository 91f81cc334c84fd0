"""The fleet query language: parsing, error positions, version conditions at branch boundaries, negation."""

from __future__ import annotations

import pytest

from sitewarden.fleet.matching import item_matches, version_matches
from sitewarden.fleet.query import QueryError, parse_query


def test_terms_and_together_into_site_item_and_check_clauses() -> None:
    text = "group:customer-a product:georgringer/news version:<11.4.3 -verdict:up_to_date check:tls status:warning"
    query = parse_query(text)
    assert [(c.field, c.value) for c in query.site] == [("group", "customer-a")]
    [item] = query.items
    assert (item.kind, item.named_by, item.key, item.negated) == (None, "product", "georgringer/news", False)
    assert [(c.field, c.operator, c.value, c.negated) for c in item.conditions] == [
        ("version", "<", "11.4.3", False),
        ("verdict", "=", "up_to_date", True),
    ]
    [check] = query.checks
    assert check.name == "tls" and [(c.field, c.value) for c in check.conditions] == [("status", "warning")]
    assert query.matched_item is item


def test_version_and_branch_before_any_item_qualify_the_core_and_verdict_the_worst() -> None:
    query = parse_query("cms:typo3 branch:12 verdict:insecure")
    [core] = query.items
    assert core.kind == "core" and core.key == "typo3"
    assert [c.field for c in core.conditions] == ["branch", "verdict"]
    bare = parse_query("verdict:insecure version:>=12")
    assert bare.items[0].kind == "core" and bare.items[0].key is None
    assert [c.field for c in bare.items[0].conditions] == ["version"]
    assert [c.value for c in bare.worst_verdict] == ["insecure"]


def test_php_takes_its_version_condition_inline_and_quotes_keep_spaces() -> None:
    query = parse_query('php:<8.1 -extension:powermail name:"shop one"')
    php, powermail = query.items
    assert php.kind == "php" and [(c.operator, c.value) for c in php.conditions] == [("<", "8.1")]
    assert powermail.negated and powermail.kind == "extension" and powermail.key == "powermail"
    assert query.site[0].value == "shop one"
    assert query.matched_item is php


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("", 1, "the query is empty"),
        ("prodcut:news", 1, "unknown field 'prodcut' (did you mean 'product'?)"),
        ("cms:typo3 -verdcit:eol", 12, "unknown field 'verdcit' (did you mean 'verdict'?)"),
        ("verdict:broken", 9, "unknown verdict 'broken'; one of insecure, eol, outdated, up_to_date, unknown"),
        ("status:red", 8, "unknown status 'red'; one of ok, warning, error, unknown, pending"),
        ("group:<a", 7, "'group' does not take '<'"),
        ("extension:news version:", 24, "'version:' needs a value"),
        ("php:<abc", 6, "'abc' is not a version"),
        ('name:"shop', 6, "unterminated quote"),
        ("cms:typo3 - x", 11, "'-' must be followed by a term"),
        (":news", 1, "a field name is missing before ':'"),
        ("-extension:news version:1", 17, "'version' cannot qualify a negated item"),
        ("-check:tls status:ok", 12, "'status' cannot qualify a negated check"),
    ],
)
def test_bad_queries_name_the_problem_and_its_column(text: str, column: int, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert caught.value.reason == message
    assert str(caught.value) == f"query error at column {column}: {message}"
    assert caught.value.pointer().splitlines()[1] == " " * (column - 1) + "^"


@pytest.mark.parametrize(
    ("installed", "operator", "wanted", "expected"),
    [
        ("11.4.2", "<", "11.4.3", True),
        ("11.4.3", "<", "11.4.3", False),
        ("11.4.3", "<=", "11.4.3", True),
        ("11.10.0", "<", "11.4.3", False),  # numbers, not text: 10 > 4
        ("11.99.99", "<", "12", True),  # the last of branch 11 is below 12
        ("12.0.0", "<", "12", False),  # 12 is 12.0.0: the first of branch 12 is not below it
        ("12.0.0", ">=", "12", True),
        ("12.0.0-beta1", "<", "12.0.0", True),  # a pre-release sorts before its release
        ("12.4.3", "=", "12", True),  # a bare version is a prefix by parts
        ("12.4.3", "=", "12.4", True),
        ("12.40.1", "=", "12.4", False),  # parts, not characters
        ("11.5.3", "=", "12", False),
        ("12.4.3", "!=", "12", False),
        ("v12.4.3", "=", "12.4.3", True),
        ("8.0.30", "<", "8.1", True),
        ("8.1.0", "<", "8.1", False),
        (None, "<", "8.1", False),  # an unknown version never matches a comparison
        ("hidden", ">=", "1", False),
    ],
)
def test_versions_compare_with_sitewardens_comparator(
    installed: str | None, operator: str, wanted: str, expected: bool
) -> None:
    assert version_matches(installed, operator, wanted) is expected


def row(kind: str, key: str, version: str, verdict: str, branch: str | None = None) -> dict[str, object]:
    return {"item_kind": kind, "item_key": key, "product": f"ter:{key}", "version": version, "verdict": verdict,
            "branch": branch}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "item", "expected"),
    [
        ("extension:powermail -verdict:up_to_date", row("extension", "powermail", "12.0.0", "outdated"), True),
        ("extension:powermail -verdict:up_to_date", row("extension", "powermail", "12.1.0", "up_to_date"), False),
        ("extension:powermail verdict:up_to_date", row("extension", "powermail", "12.1.0", "up_to_date"), True),
        ("extension:powermail -version:<12", row("extension", "powermail", "12.0.0", "outdated"), True),
        ("extension:powermail -version:<12", row("extension", "powermail", "11.9.9", "outdated"), False),
        ("extension:news", row("extension", "powermail", "12.0.0", "outdated"), False),
        ("extension:power*", row("extension", "powermail", "12.0.0", "outdated"), True),
        ("plugin:powermail", row("extension", "powermail", "12.0.0", "outdated"), False),
        ("product:ter:news version:<11.0.1", row("extension", "news", "11.0.0", "insecure"), True),
        ("cms:typo3 branch:12", row("core", "typo3", "12.4.10", "outdated", "12"), True),
        ("cms:typo3 branch:12", row("core", "typo3", "11.5.40", "eol", "11"), False),
        ("cms:typo3 branch:>=11", row("core", "typo3", "11.5.40", "eol", "11"), True),
        ("cms:typo3 -branch:12", row("core", "typo3", "11.5.40", "eol", "11"), True),
        ("cms:typo3 branch:>11", row("core", "typo3", "12.0.0", "outdated"), True),  # no stored branch: the version's
        ("cms:typo3 branch:>12", row("core", "typo3", "12.4.10", "outdated"), False),  # 12.4.10 is in branch 12
        ("cms:typo3 branch:<12", row("core", "typo3", "11.5.99", "eol"), True),
        ("cms:wordpress branch:6.4", row("core", "wordpress", "6.4.3", "outdated", "6.4"), True),
        ("cms:wordpress branch:<6.5", row("core", "wordpress", "6.10.0", "outdated", "6.10"), False),
    ],
)
def test_item_clauses_match_rows(text: str, item: dict[str, object], expected: bool) -> None:
    clause = parse_query(text).items[0]
    assert item_matches(clause, item) is expected


def test_bare_words_and_urls_are_a_plain_search_not_a_structured_query() -> None:
    plain = parse_query("shop https://shop.example.org")
    assert not plain.structured
    assert [c.value for c in plain.site] == ["shop", "https://shop.example.org"]
    assert parse_query("shop group:a").structured
