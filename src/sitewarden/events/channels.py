"""Event channels (`site.shop.web`) and the patterns targets, silences and windows select them with."""

from __future__ import annotations

from fnmatch import fnmatchcase


def channel_matches(pattern: str, channel: str) -> bool:
    """`site.shop.*` by wildcard, or `site.shop` as the parent of `site.shop.web` (logging's hierarchy)."""
    if any(char in pattern for char in "*?["):
        return fnmatchcase(channel, pattern)
    return channel == pattern or channel.startswith(pattern + ".")
