"""Checks written the same way share one validated model: a fleet repeats a few check templates over many sites.

A site-relative check (`{name: web, kind: http, url: /, keyword: Add to cart}`) reads the same on every site it
is copied to, and a validated check model costs about 2 KB: validating each distinct definition once and sharing
the frozen result saves that memory and the validation time. A definition that does not validate on its own is
left as it was, so the whole-config validation reports it with its full path (`sites[3].checks[0].interval`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from sitewarden.config.models import CheckConfig


@cache
def _adapter() -> TypeAdapter[Any]:
    return TypeAdapter(CheckConfig)


def share_checks(data: dict[str, Any]) -> int:
    """Replace each check mapping in `data` by a validated model shared by every equal mapping; distinct count."""
    adapter = _adapter()
    validated: dict[Hashable, BaseModel | None] = {}
    for items in _check_lists(data):
        for index, raw in enumerate(items):
            if not isinstance(raw, dict):
                continue
            try:
                key = _frozen(raw)
                model = validated.get(key, _MISSING)
            except TypeError:  # an unhashable scalar (a YAML set, say): validated in place
                continue
            if model is _MISSING:
                try:
                    model = adapter.validate_python(raw)
                except ValidationError:
                    model = None
                validated[key] = model
            if model is not None:
                items[index] = model
    return len(validated)


_MISSING: Any = object()


def _check_lists(data: dict[str, Any]) -> Iterator[list[Any]]:
    sites = data.get("sites")
    if isinstance(sites, list):
        for site in sites:
            checks = site.get("checks") if isinstance(site, dict) else None
            if isinstance(checks, list):
                yield checks
    checks = data.get("checks")
    if isinstance(checks, list):
        yield checks


def _frozen(value: dict[str, Any] | list[Any]) -> tuple[Any, ...]:
    """A hashable image of a YAML mapping or list; scalars keep their type, so `1`, `1.0` and `true` differ."""
    items: list[Any] = []
    pairs = value.items() if isinstance(value, dict) else enumerate(value)
    for name, item in pairs:
        if isinstance(item, dict | list):
            item = _frozen(item)
        items.append((name, item.__class__, item))
    return (value.__class__, *items)
