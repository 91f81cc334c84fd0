from __future__ import annotations

from typing import Any

import pytest

from sitewarden.probes.json_rules import RuleSets, parse_path, parse_rule
from sitewarden.results import Status

DOCUMENT: dict[str, Any] = {
    "status": "ok",
    "version": "12.4.1",
    "db": [{"name": "main", "latency": 12.5}, {"name": "replica", "latency": "80"}],
    "queue": {"size": 0, "stalled": False},
    "tags": ["a", "b"],
    "maintenance": None,
}


@pytest.mark.parametrize(
    ("rule", "held"),
    [
        ("status: ^ok$", True),
        ("status: ^fail$", False),
        ("db.0.latency: [0,20]", True),
        ("db[1].latency: >60", True),
        ("db.-1.name: ^replica$", True),
        ("db.0.latency: <10", False),
        ("queue.size: =0", True),
        ("queue.size: !=0", False),
        ("queue.stalled: ^false$", True),
        ("tags: len [1,2]", True),
        ("tags: length >2", False),
        ("status: len =2", True),
        ("queue.missing: missing", True),
        ("queue.size: exists", True),
        ("maintenance: exists", True),
        ("$: len >3", True),
        ("version: ^12\\.", True),
    ],
)
def test_rule_tests_regex_interval_existence_and_length(rule: str, held: bool) -> None:
    assert parse_rule(rule).evaluate(DOCUMENT).held is held


def test_missing_path_does_not_hold_and_says_so() -> None:
    outcome = parse_rule("db.5.latency: >1").evaluate(DOCUMENT)
    assert not outcome.held and not outcome.found
    assert outcome.describe() == "db.5.latency: path not found"


def test_interval_on_text_is_not_a_number() -> None:
    outcome = parse_rule("status: >1").evaluate(DOCUMENT)
    assert not outcome.held
    assert "is not a number" in outcome.describe()


def test_yaml_scalars_in_mapping_form_compare_by_equality() -> None:
    assert parse_rule({"queue.stalled": False}).evaluate(DOCUMENT).held
    assert not parse_rule({"queue.size": False}).evaluate(DOCUMENT).held
    assert parse_rule({"queue.size": 0}).evaluate(DOCUMENT).held
    assert parse_rule({"maintenance": None}).evaluate(DOCUMENT).held


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("nocolon", "is not a rule"),
        ("x: (", "is not a valid regular expression"),
        ("x: >abc", "is not an interval"),
        ("x: [5,1]", "start above its end"),
        ("x: len big", "is not a length test"),
        ("a..b: ok", "is not a path"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(rule: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rule(rule)


def test_paths_accept_dots_and_brackets() -> None:
    assert parse_path("a.b[0].c") == ("a", "b", "0", "c")
    assert parse_path("$") == ()
    assert parse_path("$.a.1") == ("a", "1")


def test_worst_matching_set_wins() -> None:
    rules = RuleSets.model_validate(
        {"error": ["queue.size: >100"], "warning": ["db.1.latency: >60", "db.0.latency: >60"], "ok": ["status: ^ok$"]}
    )
    verdict = rules.judge(DOCUMENT)
    assert verdict.status is Status.WARNING
    assert verdict.summary() == 'warning rule matched: db.1.latency = "80" (rule db.1.latency: >60)'
    verdict = rules.judge(DOCUMENT | {"queue": {"size": 500}})
    assert verdict.status is Status.ERROR
    assert verdict.summary().startswith("error rule matched: queue.size = 500")
    assert verdict.summary().endswith("(and 1 more)")


def test_failed_ok_rule_gives_the_no_match_status() -> None:
    rules = RuleSets.model_validate({"ok": {"status": "^ok$", "queue.size": "=0"}, "no_match": "warning"})
    assert rules.judge(DOCUMENT).status is Status.OK
    verdict = rules.judge({"status": "degraded"})
    assert verdict.status is Status.WARNING
    assert verdict.summary() == 'ok rule failed: status = "degraded" (rule status: ^ok$) (and 1 more)'


def test_rule_sets_dump_as_the_config_wrote_them() -> None:
    rules = RuleSets.model_validate({"error": "status: ^fail$", "warning": [{"latency": ">500"}]})
    assert rules.model_dump(mode="json") == {
        "ok": [],
        "warning": ["latency: >500"],
        "error": ["status: ^fail$"],
        "no_match": "error",
    }
