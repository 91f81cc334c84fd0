"""Read the rows of one table from a MySQL/MariaDB dump: a tokenizer and a tiny parser, never an interpreter.

Only `INSERT INTO <table> [(columns)] VALUES (...), (...);` and the column order of `CREATE TABLE <table>` are
understood; every other statement is stepped over token by token. Nothing in the file is executed. Strings may be
quoted with `'` or `"`, with backslash escapes (`\\'`, `\\n`, `\\0`, …) and doubled quotes; comments `-- `, `#` and
`/* */` are skipped; `NULL` becomes None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sitewarden.errors import InputFileError

MAX_VALUE_CHARS = 1024 * 1024
"""Longest single value or identifier accepted; a dump of a client table holds nothing near it."""

_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "\\": "\\", "'": "'", '"': '"'}
_SPECIAL = {quote: re.compile(r"[\\" + quote + "]") for quote in "'\""}
"""What ends a run of plain characters inside a string: a backslash or the string's own quote."""
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.+-")
_KEY_WORDS = frozenset({"primary", "key", "unique", "index", "constraint", "fulltext", "spatial", "foreign", "check"})


@dataclass(frozen=True)
class Token:
    """A lexical unit with where it starts: kind is `string`, `name` (backticks), `word` or `punct`."""

    kind: str
    text: str
    line: int
    column: int


@dataclass(frozen=True)
class Row:
    """One row of the table: its values by column name and the line its `(` is on."""

    line: int
    values: dict[str, str | None]


class SqlSyntaxError(InputFileError):
    """A dump that cannot be read: where, and what was expected."""


class _Lexer:
    def __init__(self, text: str, name: str) -> None:
        self.text, self.name = text, name
        self.pos, self.line, self.line_start = 0, 1, 0

    def error(self, message: str, line: int | None = None, column: int | None = None) -> SqlSyntaxError:
        line = self.line if line is None else line
        column = self.pos - self.line_start + 1 if column is None else column
        return SqlSyntaxError(f"{self.name}:{line}:{column}: {message}")

    def _advance(self, count: int = 1) -> None:
        end = min(self.pos + count, len(self.text))
        newlines = self.text.count("\n", self.pos, end)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.pos, end) + 1
        self.pos = end

    def tokens(self) -> Iterator[Token]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char.isspace():
                self._advance()
            elif (
                text.startswith("--", self.pos)
                and (self.pos + 2 == len(text) or text[self.pos + 2].isspace())
                or char == "#"
            ):
                self._skip_line()
            elif text.startswith("/*", self.pos):
                self._skip_block()
            elif char in "'\"":
                yield self._string(char)
            elif char == "`":
                yield self._quoted_name()
            elif char in "(),;=":
                yield Token("punct", char, self.line, self.pos - self.line_start + 1)
                self._advance()
            elif char in _WORD:
                yield self._word()
            else:
                yield Token("punct", char, self.line, self.pos - self.line_start + 1)
                self._advance()

    def _skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def _skip_block(self) -> None:
        line, column = self.line, self.pos - self.line_start + 1
        end = self.text.find("*/", self.pos + 2)
        if end < 0:
            raise self.error("unterminated comment starting here", line, column)
        self._advance(end + 2 - self.pos)

    def _string(self, quote: str) -> Token:
        line, column = self.line, self.pos - self.line_start + 1
        self._advance()
        parts: list[str] = []
        size = 0
        text, special = self.text, _SPECIAL[quote]
        while True:
            found = special.search(text, self.pos)
            if found is None:
                raise self.error(f"unterminated string starting here (missing closing {quote})", line, column)
            size += found.start() - self.pos
            if size > MAX_VALUE_CHARS:
                raise self.error(f"string starting here is longer than {MAX_VALUE_CHARS} characters", line, column)
            parts.append(text[self.pos : found.start()])
            self._advance(found.start() - self.pos)
            if text[self.pos] == "\\" and self.pos + 1 < len(text):
                following = text[self.pos + 1]
                parts.append(_ESCAPES.get(following, following))
                self._advance(2)
            elif text.startswith(quote * 2, self.pos):
                parts.append(quote)
                self._advance(2)
            elif text[self.pos] == quote:
                self._advance()
                return Token("string", "".join(parts), line, column)
            else:  # a backslash at the very end of the file
                raise self.error(f"unterminated string starting here (missing closing {quote})", line, column)
            size += 1

    def _quoted_name(self) -> Token:
        line, column = self.line, self.pos - self.line_start + 1
        end = self.text.find("`", self.pos + 1)
        if end < 0 or end - self.pos > MAX_VALUE_CHARS:
            raise self.error("unterminated `name` starting here", line, column)
        value = self.text[self.pos + 1 : end]
        if "\n" in value:
            raise self.error("unterminated `name` starting here", line, column)
        self._advance(end + 1 - self.pos)
        return Token("name", value, line, column)

    def _word(self) -> Token:
        line, column, start = self.line, self.pos - self.line_start + 1, self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _WORD:
            self.pos += 1
            if self.pos - start > MAX_VALUE_CHARS:
                raise self.error(f"value starting here is longer than {MAX_VALUE_CHARS} characters", line, column)
        return Token("word", self.text[start : self.pos], line, column)


def _statements(text: str, name: str) -> Iterator[list[Token]]:
    """Token lists split at top-level `;` (a `;` inside a string is part of the string)."""
    current: list[Token] = []
    for token in _Lexer(text, name).tokens():
        if token.kind == "punct" and token.text == ";":
            if current:
                yield current
            current = []
        else:
            current.append(token)
    if current:
        yield current


def _is(token: Token, word: str) -> bool:
    return token.kind == "word" and token.text.lower() == word


def _table_name(token: Token) -> str:
    return token.text.rsplit(".", 1)[-1].strip("`").lower() if token.kind in ("word", "name") else ""


class _Parser:
    def __init__(self, tokens: list[Token], name: str) -> None:
        self.tokens, self.name, self.index = tokens, name, 0

    def error(self, message: str) -> SqlSyntaxError:
        token = self.tokens[min(self.index, len(self.tokens) - 1)]
        if self.index >= len(self.tokens):
            place = "at the end of the statement"
        else:  # a quoted value may be a secret: never echoed
            place = "at a quoted value" if token.kind == "string" else f"at {token.text[:20]!r}"
        return SqlSyntaxError(f"{self.name}:{token.line}:{token.column}: {message} {place}")

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise self.error("unexpected end")
        self.index += 1
        return token

    def expect(self, text: str) -> Token:
        token = self.peek()
        if token is None or token.kind != "punct" or token.text != text:
            raise self.error(f"expected '{text}'")
        return self.take()

    def names(self) -> list[str]:
        self.expect("(")
        names: list[str] = []
        while True:
            token = self.take()
            if token.kind not in ("name", "word"):
                self.index -= 1
                raise self.error("expected a column name")
            names.append(token.text.lower())
            if self.take().text == ")":
                return names
            self.index -= 1
            self.expect(",")

    def value(self) -> str | None:
        token = self.take()
        if token.kind == "string":
            return token.text
        if token.kind == "word":
            return None if token.text.upper() == "NULL" else token.text
        self.index -= 1
        raise self.error("expected a value")

    def row(self, columns: list[str]) -> Row:
        opening = self.expect("(")
        values: list[str | None] = []
        while True:
            values.append(self.value())
            token = self.take()
            if token.text == ")":
                break
            if token.text != ",":
                self.index -= 1
                raise self.error("expected ',' or ')'")
        if len(values) != len(columns):
            self.index -= 1
            raise self.error(f"a row of {len(values)} values for {len(columns)} columns")
        return Row(opening.line, dict(zip(columns, values, strict=True)))


def _create_columns(parser: _Parser) -> list[str]:
    """Column names of a `CREATE TABLE t (...)`, in order; keys and constraints are left out."""
    parser.expect("(")
    columns: list[str] = []
    depth, first = 1, True
    while depth:
        token = parser.take()
        if token.kind == "punct" and token.text == "(":
            depth += 1
        elif token.kind == "punct" and token.text == ")":
            depth -= 1
        elif token.kind == "punct" and token.text == "," and depth == 1:
            first = True
            continue
        elif first and depth == 1 and token.text.lower() not in _KEY_WORDS:
            columns.append(token.text.lower())
        first = False
    return columns


def table_rows(text: str, name: str, table: str, known_columns: list[str]) -> tuple[list[Row], int]:
    """Every row inserted into `table`, and how many statements were stepped over (other tables, SET, LOCK, …).

    An INSERT without a column list takes the dump's own CREATE TABLE order, or else `known_columns`.
    """
    rows: list[Row] = []
    skipped = 0
    columns_of_dump: list[str] | None = None
    for tokens in _statements(text, name):
        parser = _Parser(tokens, name)
        first = parser.take()
        if _is(first, "create") and any(_is(token, "table") for token in tokens[1:3]):
            opening = next((i for i, token in enumerate(tokens) if token.text == "(" and token.kind == "punct"), 0)
            if opening > 1 and _table_name(tokens[opening - 1]) == table:
                parser.index = opening
                columns_of_dump = _create_columns(parser)
            continue
        if not (_is(first, "insert") or _is(first, "replace")):
            skipped += 1
            continue
        while parser.peek() is not None and not _is(parser.peek() or first, "into"):
            parser.take()
        parser.take()
        if _table_name(parser.take()) != table:
            skipped += 1
            continue
        following = parser.peek()
        columns = parser.names() if following is not None and following.text == "(" else None
        columns = columns or columns_of_dump or known_columns
        token = parser.take()
        if not (_is(token, "values") or _is(token, "value")):
            parser.index -= 1
            raise parser.error("expected VALUES")
        while True:
            rows.append(parser.row(columns))
            following = parser.peek()
            if following is None or _is(following, "on"):
                break
            if following.text != ",":
                raise parser.error("expected ',' or ';'")
            parser.take()
    return rows, skipped
