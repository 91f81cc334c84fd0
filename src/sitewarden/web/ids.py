"""Row ids in paths and queries: 1 to 18 ASCII digits, so a number beyond a 64-bit column is a 404, not a crash.

`ROW_ID` is the path parameter `{id:id}`; a path with a longer or non-ASCII number matches no route (404).
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

MAX_ROW_ID = 2**63 - 1
ROW_ID = "{id:id}"


class RowIdConvertor(Convertor[int]):
    """A database row id; 18 digits at most always fits a signed 64-bit integer."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        if not 0 <= value <= MAX_ROW_ID:
            raise ValueError("a row id is a non-negative 64-bit integer")
        return str(value)


def row_id(text: str | None) -> int | None:
    """A query parameter as a row id, or None when it is missing or not one."""
    if text and text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


register_url_convertor("id", RowIdConvertor())
