"""Durations (`30s`, `10m`, `1h30m`) and sizes (`1MiB`) as written in config files and on the command line."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|k|m|g)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    None: 1,
    "b": 1,
    "k": 1024,
    "kb": 1000,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1000**3,
    "gib": 1024**3,
}


def parse_duration(value: Any) -> float:
    """Seconds from `90`, `1.5`, `250ms`, `30s`, `10m`, `1h30m`, `2d` or `1w`; refuses negatives and nonsense."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 10m or 1h, not a boolean")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            seconds = float(text)
        else:
            parts = _DURATION_PART.findall(text)
            if not parts or "".join(number + unit for number, unit in parts) != text:
                raise ValueError(f"'{value}' is not a duration; write it like 30s, 10m, 1h30m or 2d")
            seconds = sum(float(number) * _UNITS[unit] for number, unit in parts)
    else:
        raise ValueError("expected a duration such as 30s, 10m or 1h")
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    return seconds


def format_duration(seconds: float) -> str:
    """The shortest config-style spelling of a duration (`90` → `1m30s`)."""
    if seconds < 1 and seconds != 0:
        return f"{round(seconds * 1000)}ms"
    remaining = round(seconds)
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if remaining >= size:
            count, remaining = divmod(remaining, size)
            out.append(f"{count}{unit}")
    return "".join(out) or "0s"


def parse_size(value: Any) -> int:
    """Bytes from `1048576`, `512k`, `1MiB`, `10MB`."""
    if isinstance(value, bool):
        raise ValueError("expected a size such as 1MiB or 512k")
    if isinstance(value, int):
        size = value
    elif isinstance(value, float):
        size = int(value)
    elif isinstance(value, str):
        match = _SIZE.match(value)
        if not match:
            raise ValueError(f"'{value}' is not a size; write it like 512k, 1MiB or 10MB")
        unit = match.group(2).lower() if match.group(2) else None
        size = int(float(match.group(1)) * _SIZE_UNITS[unit])
    else:
        raise ValueError("expected a size such as 1MiB or 512k")
    if size < 0:
        raise ValueError("a size cannot be negative")
    return size


Duration = Annotated[float, BeforeValidator(parse_duration), PlainSerializer(format_duration, return_type=str)]
"""A duration in seconds that config files may write as `30s`, `10m` or `1h`."""

Size = Annotated[int, BeforeValidator(parse_size)]
"""A size in bytes that config files may write as `512k` or `1MiB`."""
