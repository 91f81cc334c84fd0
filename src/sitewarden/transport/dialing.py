"""Dialing for every check that talks to a host: names to addresses, the first address that answers, TLS facts.

The HTTP client and the tcp, tls and tls_client_ca probes share it, so a refused port, a DNS failure or a connect
timeout reads the same whatever the check ("connection refused by host:443"), and IP literals skip DNS and SNI.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sitewarden.transport.resolver import Resolver
from sitewarden.transport.tls import ResumingContext

T = TypeVar("T")


class TransportFailure(Exception):
    """A target that did not answer as asked; `kind` names the failure class, `phase` where it happened."""

    def __init__(self, kind: str, message: str, *, phase: str, timings: Timings | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.phase = phase
        self.timings = timings or Timings()


@dataclass(slots=True)
class Timings:
    """Milliseconds spent in each phase (dialing's dns, connect, tls; an exchange's first byte and total)."""

    dns_ms: float | None = None
    connect_ms: float | None = None
    tls_ms: float | None = None
    ttfb_ms: float | None = None
    total_ms: float | None = None


def seconds(value: float) -> str:
    """A timeout as the summaries write it: `10 s`, `0.5 s`."""
    return f"{value:g} s"


@functools.lru_cache(maxsize=8192)
def _ip_literal(host: str) -> tuple[int, str] | None:
    """(family, address) when host is an IP literal; cached because every check of a fleet asks again."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    return (socket.AF_INET6 if address.version == 6 else socket.AF_INET), str(address)


def is_ip_literal(host: str) -> bool:
    """True for an IPv4 or IPv6 address (with or without brackets): no DNS, no SNI."""
    return _ip_literal(host) is not None


async def resolve_addresses(resolver: Resolver, host: str, port: int, family: int | None) -> list[tuple[Any, ...]]:
    """(family, address, port) for a host: IP literals directly, names through the resolver; DNS failures mapped."""
    want = {4: socket.AF_INET, 6: socket.AF_INET6}.get(family or 0, socket.AF_UNSPEC)
    literal = _ip_literal(host)
    if literal is not None:
        found, address = literal
        if want not in (socket.AF_UNSPEC, found):
            raise TransportFailure("dns", f"{host} is not an IPv{family} address", phase="dns")
        return [(found, address, port)]
    try:
        infos = await resolver.resolve(host, port, want)
    except socket.gaierror as exc:
        reason = (exc.strerror or str(exc)).rstrip(".")
        raise TransportFailure("dns", f"DNS failure: cannot resolve {host} ({reason})", phase="dns") from None
    if not infos:
        raise TransportFailure("dns", f"DNS failure: no address for {host}", phase="dns")
    return [(found_family, address, port) for found_family, address in infos]


async def first_answer(
    addresses: list[tuple[Any, ...]],
    host: str,
    port: int,
    timeout: float | None,
    dial: Callable[[int, str], Awaitable[T]],
) -> T:
    """Try each address in turn; map the last failure to the summaries every check uses."""
    last: OSError | None = None
    for family, address, _ in addresses:
        try:
            async with asyncio.timeout(timeout):
                return await dial(family, address)
        except TimeoutError:
            raise TransportFailure(
                "timeout", f"timed out while connecting after {seconds(timeout or 0)}", phase="connect"
            ) from None
        except OSError as exc:
            last = exc
    assert last is not None
    where = f"{host}:{port}"
    if isinstance(last, ConnectionRefusedError):
        raise TransportFailure("refused", f"connection refused by {where}", phase="connect")
    reason = (last.strerror or str(last)).lower()
    raise TransportFailure("connect", f"cannot connect to {where}: {reason}", phase="connect")


P = TypeVar("P", bound=asyncio.BaseProtocol)


async def open_protocol(
    addresses: list[tuple[Any, ...]], host: str, port: int, timeout: float | None, factory: Callable[[], P]
) -> P:
    """A protocol connected to the first address that answers (the HTTP client feeds its parser from one)."""
    loop = asyncio.get_running_loop()

    async def dial(family: int, address: str) -> P:
        _, protocol = await loop.create_connection(factory, address, port, family=family)
        return protocol

    return await first_answer(addresses, host, port, timeout, dial)


async def open_stream(
    addresses: list[tuple[Any, ...]], host: str, port: int, timeout: float | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A stream connection to the first address that answers, with the same failure summaries as HTTP checks."""

    async def dial(family: int, address: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(address, port, family=family, limit=65536)

    return await first_answer(addresses, host, port, timeout, dial)


def remember_session(ssl_object: ssl.SSLObject | None) -> None:
    """Keep a finished exchange's TLS session in the context it was made with, for the next check to resume."""
    if ssl_object is not None and isinstance(ssl_object.context, ResumingContext):
        ssl_object.context.remember(ssl_object)


def describe_verify_error(exc: ssl.SSLCertVerificationError) -> str:
    """One plain sentence for a failed certificate verification ("certificate has expired")."""
    message = (exc.verify_message or exc.reason or str(exc)).strip()
    if message.startswith(("Hostname mismatch", "IP address mismatch")):
        return "certificate does not match the host name (" + message.split(",", 1)[-1].strip() + ")"
    return message.lower() if message else "certificate verification failed"
