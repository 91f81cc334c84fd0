"""The contract of a foreign-format reader: text in, site definitions and a list of what could not be carried over.

A reader never touches the store and never runs anything: it turns another tool's configuration into definitions
in the config file's `sites:` shape, which `sites import` then validates under the site policy like any other row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, ClassVar

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest foreign file read: a client table of 10,000 sites is far below it."""


@dataclass(frozen=True)
class Unsupported:
    """One thing in the foreign file with no sitewarden equivalent: where it is, which field, and why."""

    where: str
    field: str
    reason: str

    def line(self) -> str:
        return f"{self.where}: {self.field}: {self.reason}"


@dataclass
class Translation:
    """What a reader made of a file: definitions with their FILE:LINE, unsupported items, suggested targets."""

    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    unsupported: list[Unsupported] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)

    def skip(self, where: str, name: str, reason: str) -> None:
        self.unsupported.append(Unsupported(where, name, reason))


class ForeignFormat:
    """One other tool's file format; `detect` looks at the content, `translate` maps it."""

    format: ClassVar[str]

    def detect(self, text: str) -> bool:
        raise NotImplementedError(f"{type(self).__name__}.detect")

    def translate(self, text: str, name: str) -> Translation:
        raise NotImplementedError(f"{type(self).__name__}.translate")


_NOT_NAME = re.compile(r"[^a-z0-9]+")


def site_name(text: str, fallback: str) -> str:
    """A sitewarden name (letters, digits, `-`) from a foreign title or host name."""
    plain = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss")).encode("ascii", "ignore").decode()
    slug = _NOT_NAME.sub("-", plain).strip("-")[:60].strip("-")
    return slug or fallback


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`, … when a file holds the same title twice."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}-{number}"
    taken.add(candidate)
    return candidate
