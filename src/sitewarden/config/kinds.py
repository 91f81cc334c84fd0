"""Every check kind the config accepts: the probe registry, plus the other families that run as checks."""

from __future__ import annotations

from typing import Any

from sitewarden.inventory import COLLECTORS
from sitewarden.probes import PROBES
from sitewarden.probes.base import Probe


def check_kinds() -> dict[str, type[Probe[Any]]]:
    """kind → class for every family whose members run as checks; a kind claimed twice is a bug."""
    kinds: dict[str, type[Probe[Any]]] = {}
    for family in (PROBES, COLLECTORS):
        for kind, cls in family.items():
            if kind in kinds:
                raise RuntimeError(f"check kind {kind!r} is registered by two families")
            kinds[kind] = cls
    return kinds


def domain_kinds() -> tuple[str, ...]:
    """Kinds that report a domain registration's days left (the `domain` kind)."""
    return tuple(sorted(kind for kind, cls in check_kinds().items() if cls.yields_domain_expiry))


def certificate_kinds() -> tuple[str, ...]:
    """Kinds that judge a certificate: what the store's certificate figures and the reports read."""
    return tuple(sorted(kind for kind, cls in check_kinds().items() if cls.yields_certificate))


def push_kinds() -> tuple[str, ...]:
    """Kinds that outside jobs push to (heartbeats): what the heartbeat page lists."""
    return tuple(sorted(kind for kind, cls in check_kinds().items() if cls.accepts_pushes))
