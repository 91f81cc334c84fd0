"""Text from monitored sites shown in a terminal as plain text: no Rich markup, no control sequences.

A site controls its summaries, titles, versions and headers. Rich would read `[blink]` or `[/]` as markup (and
raise on a stray closing tag), and a terminal obeys ESC sequences (moving the cursor, rewriting the screen, setting
the window title). Every console of the CLI is a `PlainConsole`: markup off, and control characters stripped from
every string it renders; `plain` does the same for text placed into a `rich.text.Text` by hand.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.text import Text

_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: cursor moves, colours, screen clearing
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: window title, hyperlinks, clipboard
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """The text without terminal escape sequences and control characters (tabs and newlines stay)."""
    if not text:
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def plain(text: object) -> Text:
    """Target text as a Rich Text that is never parsed as markup and carries no control characters."""
    return Text(strip_controls(str(text)))


class PlainConsole(Console):
    """A Rich console for text that may come from a target: markup and emoji codes off, control characters out."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("markup", False)
        options.setdefault("emoji", False)
        super().__init__(**options)

    def render_str(self, text: str, **options: Any) -> Text:
        options["markup"] = False
        options["emoji"] = False
        return super().render_str(strip_controls(text), **options)
