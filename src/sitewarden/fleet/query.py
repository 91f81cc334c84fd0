"""The fleet query language: parse `product:georgringer/news version:<11.4.3 -verdict:up_to_date` into terms.

Terms are separated by spaces and AND together; a leading `-` negates one. `field:value` names a field, a bare word
searches site names and URLs. Item fields (cms, product, extension, plugin, theme, module, item, php, database)
name an item; `version`, `branch` and `verdict` qualify the item named before them (before any item: version and
branch the CMS core, verdict the site's worst verdict). `check` names a check for the `status` terms after it.
Errors carry the 0-based column of the offending text, so the CLI, API and dashboard can point at it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sitewarden.errors import SitewardenError
from sitewarden.verdict import VERDICTS

ITEM_FIELDS: dict[str, str | None] = {
    "cms": "core",
    "product": None,
    "item": None,
    "extension": "extension",
    "plugin": "plugin",
    "theme": "theme",
    "module": "module",
    "php": "php",
    "database": "database",
}
"""Fields that name an item, with the inventory kind they look in (None: any kind)."""
VERSIONED = ("php",)
"""Item fields whose value is a version condition (`php:<8.1`) rather than a name."""
QUALIFIERS = ("version", "branch", "verdict")
SITE_FIELDS = ("group", "tag", "name", "site", "check", "status")
FIELDS = (*ITEM_FIELDS, *QUALIFIERS, *SITE_FIELDS)
OPERATORS = ("<=", ">=", "!=", "<", ">", "=")
COMPARED = ("version", "branch", "php")
"""Fields that take a comparison operator; the others match by equality only."""
STATUSES = ("ok", "warning", "error", "unknown", "pending")


class QueryError(SitewardenError):
    """A fleet query cannot be understood; `position` is the 0-based column of the problem."""

    exit_code = 2

    def __init__(self, message: str, position: int, query: str) -> None:
        super().__init__(f"query error at column {position + 1}: {message}")
        self.position = position
        self.query = query
        self.reason = message

    def pointer(self) -> str:
        """The query and a caret under the problem, for a terminal."""
        return f"{self.query}\n{' ' * self.position}^"


@dataclass(frozen=True, slots=True)
class Condition:
    """One comparison: the field, its operator (`=` when none was given), the value and whether it is negated."""

    field: str
    operator: str
    value: str
    negated: bool = False
    position: int = 0


@dataclass(slots=True)
class ItemClause:
    """An item the site must have (or, negated, must not have), with the conditions on that same item."""

    kind: str | None
    named_by: str
    key: str | None
    negated: bool = False
    conditions: list[Condition] = field(default_factory=list)


@dataclass(slots=True)
class CheckClause:
    """A check of the site (by name or kind, None: any check) and the statuses asked of it."""

    name: str | None
    negated: bool = False
    conditions: list[Condition] = field(default_factory=list)


@dataclass(slots=True)
class Query:
    """A parsed query: site-level conditions, item clauses, check clauses, and the worst-verdict conditions."""

    text: str
    site: list[Condition] = field(default_factory=list)
    items: list[ItemClause] = field(default_factory=list)
    checks: list[CheckClause] = field(default_factory=list)
    worst_verdict: list[Condition] = field(default_factory=list)

    @property
    def structured(self) -> bool:
        """Whether any term names a field; a query of bare words is a plain name and URL search."""
        return bool(self.items or self.checks or self.worst_verdict or any(c.field != "text" for c in self.site))

    @property
    def matched_item(self) -> ItemClause | None:
        """The first positive item clause: the item shown beside each matching site."""
        return next((clause for clause in self.items if not clause.negated), None)


@dataclass(frozen=True, slots=True)
class Token:
    negated: bool
    field: str | None
    operator: str
    value: str
    position: int
    value_position: int


def tokenize(text: str) -> list[Token]:
    """Split a query into terms, honouring double quotes around values; errors name the column."""
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        start = index
        negated = text[index] == "-"
        if negated:
            index += 1
            if index >= len(text) or text[index].isspace():
                raise QueryError("'-' must be followed by a term", start, text)
        word_start = index
        while index < len(text) and not text[index].isspace() and text[index] not in ':"':
            index += 1
        name: str | None = None
        if index < len(text) and text[index] == ":":
            name = text[word_start:index].lower()
            if not name:
                raise QueryError("a field name is missing before ':'", word_start, text)
            index += 1
        else:
            index = word_start
        operator = "="
        if name is not None:
            for candidate in OPERATORS:
                if text.startswith(candidate, index):
                    operator = candidate
                    index += len(candidate)
                    break
        value_start = index
        value, index = _value(text, index)
        if not value:
            what = f"'{name}:'" if name is not None else "a term"
            raise QueryError(f"{what} needs a value", value_start, text)
        tokens.append(Token(negated, name, operator, value, start, value_start))
    return tokens


def _value(text: str, index: int) -> tuple[str, int]:
    if index < len(text) and text[index] == '"':
        end = text.find('"', index + 1)
        if end < 0:
            raise QueryError("unterminated quote", index, text)
        return text[index + 1 : end], end + 1
    start = index
    while index < len(text) and not text[index].isspace():
        if text[index] == '"':
            raise QueryError("a quote may only open a value", index, text)
        index += 1
    return text[start:index], index


def parse_query(text: str) -> Query:
    """Parse a fleet query; raise QueryError with the column of the first problem."""
    query = Query(text)
    if not text.strip():
        raise QueryError("the query is empty", 0, text)
    current_item: ItemClause | None = None
    current_check: CheckClause | None = None
    for token in tokenize(text):
        if token.field is None or (token.field in ("http", "https") and token.value.startswith("//")):
            value = token.value if token.field is None else f"{token.field}:{token.value}"
            query.site.append(Condition("text", "=", value, token.negated, token.position))
            continue
        _validate(token, text)
        condition = Condition(token.field, token.operator, token.value, token.negated, token.value_position)
        if token.field in ITEM_FIELDS:
            current_item = _item(token)
            query.items.append(current_item)
        elif token.field in QUALIFIERS:
            if current_item is not None and current_item.negated:
                raise QueryError(f"'{token.field}' cannot qualify a negated item", token.position, text)
            if current_item is None and token.field == "verdict":
                query.worst_verdict.append(condition)
                continue
            if current_item is None:
                current_item = ItemClause("core", "cms", None)
                query.items.append(current_item)
            current_item.conditions.append(condition)
        elif token.field == "check":
            current_check = CheckClause(token.value, token.negated)
            query.checks.append(current_check)
        elif token.field == "status":
            if current_check is None or current_check.negated:
                if current_check is not None:
                    raise QueryError("'status' cannot qualify a negated check", token.position, text)
                current_check = CheckClause(None)
                query.checks.append(current_check)
            current_check.conditions.append(condition)
        else:
            query.site.append(condition)
    return query


def _item(token: Token) -> ItemClause:
    field_name = token.field or ""
    kind = ITEM_FIELDS[field_name]
    if field_name in VERSIONED:
        clause = ItemClause(kind, field_name, field_name, token.negated)
        clause.conditions.append(Condition("version", token.operator, token.value, False, token.value_position))
        return clause
    key = token.value.lower()
    if field_name == "product":
        return ItemClause(None, field_name, key, token.negated)
    return ItemClause(kind, field_name, key, token.negated)


def _validate(token: Token, text: str) -> None:
    name = token.field or ""
    if name not in FIELDS:
        close = difflib.get_close_matches(name, FIELDS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f"; fields: {', '.join(FIELDS)}"
        raise QueryError(f"unknown field '{name}'{hint}", token.position + token.negated, text)
    if token.operator != "=" and name not in COMPARED:
        raise QueryError(f"'{name}' does not take '{token.operator}'", token.value_position - len(token.operator), text)
    value = token.value.lower()
    if name == "verdict" and value not in VERDICTS:
        raise QueryError(f"unknown verdict '{token.value}'; one of {', '.join(VERDICTS)}", token.value_position, text)
    if name == "status" and value not in STATUSES:
        raise QueryError(f"unknown status '{token.value}'; one of {', '.join(STATUSES)}", token.value_position, text)
    if name in ("version", "php") and not any(char.isdigit() for char in token.value):
        raise QueryError(f"'{token.value}' is not a version", token.value_position, text)
