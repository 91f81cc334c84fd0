"""The one pattern for names people choose (sites, checks, targets, status pages): they appear in channels and URLs."""

from __future__ import annotations

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
"""A letter or digit, then letters, digits, `_` and `-`: safe in a channel (`site.<name>.<check>`) and a URL path."""
