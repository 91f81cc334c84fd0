"""Name resolution for checks: the system resolver by default, or a fixed map (like curl's --resolve)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Protocol

Address = tuple[int, str]  # (family, address)


class Resolver(Protocol):
    """Resolves a host name to addresses; raises socket.gaierror when it cannot."""

    async def resolve(self, host: str, port: int, family: int) -> list[Address]: ...


class SystemResolver:
    """getaddrinfo on the event loop's executor: /etc/hosts, then DNS, as every other program on the host."""

    async def resolve(self, host: str, port: int, family: int) -> list[Address]:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, family=family, type=socket.SOCK_STREAM)
        return [(info[0], str(info[4][0])) for info in infos]


class StaticResolver:
    """Answers from a fixed map of host → addresses, and fails like getaddrinfo for anything else."""

    def __init__(self, hosts: dict[str, list[str] | str]) -> None:
        self.hosts = {name.lower(): [value] if isinstance(value, str) else list(value) for name, value in hosts.items()}

    async def resolve(self, host: str, port: int, family: int) -> list[Address]:
        found: list[Address] = []
        for text in self.hosts.get(host.lower(), []):
            address = ipaddress.ip_address(text)
            address_family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
            if family in (socket.AF_UNSPEC, address_family):
                found.append((address_family, text))
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return found
