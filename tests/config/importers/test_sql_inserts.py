"""The SQL dump reader: quoted strings with escapes, several rows per INSERT, column lists, NULL; never executes."""

from __future__ import annotations

import pytest

from sitewarden.config.importers.sql_inserts import MAX_VALUE_CHARS, SqlSyntaxError, table_rows

TABLE = "clients"


def rows(text: str, known: list[str] | None = None) -> list[dict[str, str | None]]:
    return [row.values for row in table_rows(text, "dump.sql", TABLE, known or ["a", "b"])[0]]


def test_escapes_doubled_quotes_and_null() -> None:
    text = "INSERT INTO `clients` (`a`, `b`) VALUES ('it\\'s', 'say ''hi''\\n'), (NULL, \"x\\\"y\");"
    assert rows(text) == [{"a": "it's", "b": "say 'hi'\n"}, {"a": None, "b": 'x"y'}]


def test_semicolons_and_comment_marks_inside_strings_are_data() -> None:
    text = "INSERT INTO clients (a, b) VALUES ('a;b -- not a comment', '# nor /* this */');\n"
    assert rows(text) == [{"a": "a;b -- not a comment", "b": "# nor /* this */"}]


def test_comments_other_tables_and_statements_are_skipped() -> None:
    text = (
        "-- header\n# another\n/* block\n comment */ SET NAMES utf8mb4;\n"
        "INSERT INTO other (a, b) VALUES (1, 2);\n"
        "DROP TABLE clients; INSERT INTO db.clients (b, a) VALUES (1, 2), (3, 4);"
    )
    found, skipped = table_rows(text, "dump.sql", TABLE, ["a", "b"])
    assert [row.values for row in found] == [{"b": "1", "a": "2"}, {"b": "3", "a": "4"}]
    assert skipped == 3


def test_insert_without_columns_takes_the_dumps_create_table_order() -> None:
    text = (
        "CREATE TABLE `clients` (\n `b` int NOT NULL DEFAULT '0',\n `a` varchar(5) DEFAULT 'x,y',\n"
        " PRIMARY KEY (`b`), KEY `k` (`a`, `b`)\n);\nINSERT INTO clients VALUES (1, 'one');"
    )
    assert rows(text) == [{"b": "1", "a": "one"}]


def test_row_lines_point_at_each_row() -> None:
    text = "INSERT INTO clients (a, b) VALUES\n(1, 2),\n\n(3, 'multi\nline');"
    assert [row.line for row in table_rows(text, "dump.sql", TABLE, [])[0]] == [2, 4]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("INSERT INTO clients (a, b) VALUES (1, 'never closed);", "dump.sql:1:39: unterminated string starting here"),
        ("INSERT INTO clients (a, b) VALUES\n(1, 2, 3);", "dump.sql:2:9: a row of 3 values for 2 columns"),
        ("INSERT INTO clients (a, b) VALUES (1 2);", "dump.sql:1:38: expected ',' or ')' at '2'"),
        ("/* open", "dump.sql:1:1: unterminated comment starting here"),
        ("INSERT INTO clients (a, b) VALUES (1, 's') (2, 3);", "dump.sql:1:44: expected ',' or ';' at '('"),
        ("INSERT INTO clients (a, b) VALUES (1, 'secret-value' 'x');", "expected ',' or ')' at a quoted value"),
    ],
)
def test_broken_dumps_name_file_line_and_column(text: str, message: str) -> None:
    with pytest.raises(SqlSyntaxError) as caught:
        rows(text)
    assert message in str(caught.value)
    assert "secret-value" not in str(caught.value)


def test_a_huge_value_is_refused_with_its_position() -> None:
    text = "INSERT INTO clients (a, b) VALUES (1, '" + "x" * (MAX_VALUE_CHARS + 10) + "');"
    with pytest.raises(SqlSyntaxError, match=r"dump.sql:1:39: string starting here is longer than"):
        rows(text)


def test_nothing_is_executed_whatever_the_statements_say(tmp_path: object) -> None:
    text = "DROP DATABASE test; SELECT LOAD_FILE('/etc/passwd'); INSERT INTO clients (a, b) VALUES ('1', '2');"
    found, skipped = table_rows(text, "dump.sql", TABLE, [])
    assert ([row.values for row in found], skipped) == ([{"a": "1", "b": "2"}], 2)
