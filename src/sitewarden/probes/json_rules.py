"""Rules that judge a JSON document: `path: test` pairs, parsed once when the config loads.

A path addresses a value by dotted keys and list indices (`status.db.0.latency`, `items[2].name`, `$` for the
whole document). A test is a regular expression (`^ok$`), an interval (`[0,20]`, `>60`, `<=5`, `=200`, `!=0`),
`exists`, `missing`, or a length (`len >0`, `len [1,5]`). Rule sets map to statuses: any `error` rule that holds
gives error, any `warning` rule gives warning, and `ok` rules must all hold (else `no_match`); the worst wins.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema

from sitewarden.results import Status

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_BETWEEN = re.compile(rf"^\[\s*({_NUMBER})\s*,\s*({_NUMBER})\s*\]$")
_COMPARE = re.compile(r"^(>=|<=|!=|>|<|=)\s*(.*)$")
_PATH_PART = re.compile(r"[^.\[\]]+|\[\s*-?\d+\s*\]")
_MISSING = object()


def parse_path(text: str) -> tuple[str, ...]:
    """`status.db.0.latency` or `status.db[0].latency` → parts; `$` (or empty) is the whole document."""
    spec = text.strip()
    if spec in ("", "$"):
        return ()
    spec = spec.removeprefix("$.")
    parts = _PATH_PART.findall(spec)
    rebuilt = "".join(part if part.startswith("[") else "." + part for part in parts).lstrip(".")
    if rebuilt.replace(" ", "") != spec.replace(" ", "").replace(".[", "["):
        raise ValueError(f"'{text}' is not a path such as status.db.0.latency")
    return tuple(part.strip("[] ") if part.startswith("[") else part for part in parts)


def lookup(document: Any, parts: tuple[str, ...]) -> Any:
    """The value at a path, or the private `_MISSING` marker; digits index lists, and are keys in mappings."""
    current = document
    for part in parts:
        if isinstance(current, dict):
            if part not in current:
                return _MISSING
            current = current[part]
        elif isinstance(current, list) and re.fullmatch(r"-?\d+", part):
            index = int(part)
            if not -len(current) <= index < len(current):
                return _MISSING
            current = current[index]
        else:
            return _MISSING
    return current


@dataclass(frozen=True, slots=True)
class Interval:
    """A numeric test: between two bounds, or one comparison (`>60`, `<=5`, `=200`, `!=0`)."""

    op: str
    low: float
    high: float = math.nan

    def holds(self, number: float) -> bool:
        if self.op == "between":
            return self.low <= number <= self.high
        return {
            ">": number > self.low,
            ">=": number >= self.low,
            "<": number < self.low,
            "<=": number <= self.low,
            "=": number == self.low,
            "!=": number != self.low,
        }[self.op]


def parse_interval(text: str) -> Interval | None:
    """An Interval from `[a,b]`, `>x`, `>=x`, `<x`, `<=x`, `=x`, `!=x`; None when text is none of those."""
    spec = text.strip()
    between = _BETWEEN.match(spec)
    if between:
        low, high = float(between.group(1)), float(between.group(2))
        if low > high:
            raise ValueError(f"interval '{text}' has its start above its end")
        return Interval("between", low, high)
    compare = _COMPARE.match(spec)
    if compare and re.fullmatch(_NUMBER, compare.group(2).strip()):
        return Interval(compare.group(1), float(compare.group(2)))
    return None


@dataclass(frozen=True, slots=True)
class Rule:
    """One `path: test` rule; `text` is how the config wrote it."""

    text: str
    path: tuple[str, ...]
    test: str  # regex, interval, equals, exists, missing, length
    regex: re.Pattern[str] | None = None
    interval: Interval | None = None
    expected: Any = None

    def __str__(self) -> str:
        return self.text

    def evaluate(self, document: Any) -> RuleOutcome:
        value = lookup(document, self.path)
        found = value is not _MISSING
        if self.test == "exists":
            return RuleOutcome(self, found, found, value if found else None)
        if self.test == "missing":
            return RuleOutcome(self, not found, found, value if found else None)
        if not found:
            return RuleOutcome(self, False, False, None, "path not found")
        if self.test == "equals":
            return RuleOutcome(self, value == self.expected and type(value) is type(self.expected), True, value)
        if self.test == "regex":
            assert self.regex is not None
            return RuleOutcome(self, self.regex.search(as_text(value)) is not None, True, value)
        assert self.interval is not None
        if self.test == "length":
            if not isinstance(value, str | list | dict):
                return RuleOutcome(self, False, True, value, "has no length")
            return RuleOutcome(self, self.interval.holds(len(value)), True, value)
        number = as_number(value)
        if number is None:
            return RuleOutcome(self, False, True, value, "is not a number")
        return RuleOutcome(self, self.interval.holds(number), True, value)


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """How one rule fared on one document."""

    rule: Rule
    held: bool
    found: bool
    value: Any
    problem: str = ""

    def describe(self) -> str:
        """`status.db = 'down' (rule ^up$)`, or `status.db: path not found`."""
        path = format_path(self.rule.path)
        if self.problem == "path not found" or not self.found:
            return f"{path}: path not found"
        shown = json.dumps(self.value, ensure_ascii=False)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        problem = f" {self.problem}" if self.problem else ""
        return f"{path} = {shown}{problem} (rule {self.rule.text})"


def format_path(parts: tuple[str, ...]) -> str:
    return ".".join(parts) if parts else "$"


def as_text(value: Any) -> str:
    """A value as a regex sees it: strings as they are, everything else in its JSON spelling."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def as_number(value: Any) -> float | None:
    """A JSON value as a number when it is one or a numeric string; booleans and everything else are None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def parse_rule(value: Any) -> Rule:
    """A Rule from `"path: test"`, a one-key mapping `{path: test}`, or an already parsed Rule."""
    if isinstance(value, Rule):
        return value
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError("a rule mapping has exactly one `path: test` entry")
        ((path, test),) = value.items()
        return build_rule(str(path), test)
    if isinstance(value, str):
        path, sep, test = value.partition(": ")
        if not sep:
            path, sep, test = value.partition(":")
        if not sep or not path.strip():
            raise ValueError(f"'{value}' is not a rule; write it as 'path: test', e.g. 'status: ^ok$'")
        return build_rule(path, test.strip())
    raise ValueError("a rule is a string 'path: test' or a mapping {path: test}")


def build_rule(path_text: str, test: Any) -> Rule:
    """Parse one test for one path; YAML numbers, booleans and null compare by equality."""
    path = parse_path(path_text)
    text = f"{path_text.strip()}: {test if isinstance(test, str) else json.dumps(test)}"
    if test is None or isinstance(test, bool | int | float):
        return Rule(text, path, "equals", expected=test)
    if not isinstance(test, str):
        raise ValueError(f"rule for '{path_text}': a test is a string such as '^ok$', '>60' or 'exists'")
    spec = test.strip()
    if spec in ("exists", "missing"):
        return Rule(text, path, spec)
    length = re.fullmatch(r"(?:len|length)\s+(.+)", spec)
    if length:
        interval = parse_interval(length.group(1))
        if interval is None:
            raise ValueError(f"'{test}' is not a length test; write it like 'len >0' or 'len [1,5]'")
        return Rule(text, path, "length", interval=interval)
    interval = parse_interval(spec)
    if interval is not None:
        return Rule(text, path, "interval", interval=interval)
    if spec.startswith(("<", ">", "!=")):
        raise ValueError(f"'{test}' is not an interval; write it like >60, <=5, =200 or [0,20]")
    try:
        return Rule(text, path, "regex", regex=re.compile(spec))
    except re.error as exc:
        raise ValueError(f"'{test}' is not a valid regular expression: {exc}") from None


def _rule_list(value: Any) -> Any:
    """Accept a list of rules, a mapping {path: test, ...}, or a single rule string."""
    if isinstance(value, dict):
        return [{key: item} for key, item in value.items()]
    if isinstance(value, str):
        return [value]
    return value


RuleField = Annotated[
    Rule,
    PlainValidator(parse_rule),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "description": "path: test"}),
]
Rules = Annotated[list[RuleField], BeforeValidator(_rule_list)]


class RuleSets(BaseModel):
    """Rules per status: any `error` or `warning` rule that holds sets that status; `ok` rules must all hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ok: Rules = Field(default_factory=list, description="Rules that must all hold for ok.")
    warning: Rules = Field(default_factory=list, description="Any of these holding gives warning.")
    error: Rules = Field(default_factory=list, description="Any of these holding gives error.")
    no_match: Literal["warning", "error", "unknown"] = Field(
        default="error",
        description="Status when `ok` rules are given and one of them does not hold.",
    )

    def all_rules(self) -> list[Rule]:
        return [*self.ok, *self.warning, *self.error]

    def judge(self, document: Any) -> Verdict:
        """Evaluate every rule; the worst matching set gives the status."""
        verdict = Verdict()
        for name, rules in (("error", self.error), ("warning", self.warning)):
            for rule in rules:
                outcome = rule.evaluate(document)
                verdict.outcomes.append((name, outcome))
                if outcome.held:
                    verdict.reasons.append((Status.ERROR if name == "error" else Status.WARNING, name, outcome))
        for rule in self.ok:
            outcome = rule.evaluate(document)
            verdict.outcomes.append(("ok", outcome))
            if not outcome.held:
                verdict.reasons.append((Status.parse(self.no_match), "ok", outcome))
        return verdict


@dataclass(slots=True)
class Verdict:
    """What the rules found: every outcome, and the reasons for a status other than ok."""

    outcomes: list[tuple[str, RuleOutcome]] = field(default_factory=list)
    reasons: list[tuple[Status, str, RuleOutcome]] = field(default_factory=list)

    @property
    def status(self) -> Status:
        status = Status.OK
        for reason, _, _ in self.reasons:
            if reason.severity_rank > status.severity_rank:
                status = reason
        return status

    def summary(self) -> str:
        """One line: the worst reason first, then how many more there are."""
        status = self.status
        if status is Status.OK:
            return f"all {len(self.outcomes)} rules passed" if self.outcomes else "valid JSON"
        first = next(item for item in self.reasons if item[0] is status)
        _, name, outcome = first
        words = "ok rule failed" if name == "ok" else f"{name} rule matched"
        more = len(self.reasons) - 1
        tail = f" (and {more} more)" if more else ""
        return f"{words}: {outcome.describe()}{tail}"
