"""One way to build a plug-in family's registry (probes, collectors, handlers, processors, importers)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

C = TypeVar("C", bound=type[Any])


def build_registry(classes: Iterable[C], family: str, key: str = "kind") -> dict[str, C]:
    """Map each class's `key` attribute → class, refusing a duplicate at import time (a bug, not a config error)."""
    registry: dict[str, C] = {}
    for cls in classes:
        name = getattr(cls, key)
        if name in registry:
            raise RuntimeError(f"{family} {key} {name!r} registered twice ({registry[name]!r} and {cls!r})")
        registry[name] = cls
    return registry
