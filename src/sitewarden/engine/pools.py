"""Concurrency limits per resource (network, subprocess, ssh): a slow kind cannot starve the others."""

from __future__ import annotations

import asyncio


class Pools:
    """One semaphore per resource name; an unknown name gets the network limit."""

    def __init__(self, limits: dict[str, int]) -> None:
        self.limits = dict(limits)
        self._semaphores = {name: asyncio.Semaphore(limit) for name, limit in limits.items()}
        self._waiting: dict[str, int] = dict.fromkeys(limits, 0)

    def get(self, name: str) -> asyncio.Semaphore:
        if name not in self._semaphores:
            self.limits[name] = self.limits.get("network", 100)
            self._semaphores[name] = asyncio.Semaphore(self.limits[name])
            self._waiting[name] = 0
        return self._semaphores[name]

    def in_use(self, name: str) -> int:
        semaphore = self.get(name)
        return self.limits[name] - semaphore._value

    def snapshot(self) -> dict[str, int]:
        """Checks running per pool, for the metrics endpoint."""
        return {name: self.in_use(name) for name in self._semaphores}
