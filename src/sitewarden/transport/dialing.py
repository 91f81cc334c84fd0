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

from sitewarden.results import FailureClass, Result, Status
from sitewarden.transport.resolver import Resolver
from sitewarden.transport.tls import ResumingContext

T = TypeVar("T")


class TransportFailure(Exception):
    """A target that did not answer as asked; `kind` names the failure class, `phase` where it happened."""

    def __init__(self, kind: FailureClass, message: str, *, phase: str, timings: Timings | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.phase = phase
        self.timings = timings or Timings()
        self.address = ""
        """The address that answered, when the failure came after connecting."""
        self.attempts: list[tuple[str, str]] = []
        """(address, why) for each address tried, when there were several."""

    def as_result(self, details: dict[str, Any]) -> Result:
        """The error result a probe reports for this failure, with its phase and class beside the probe's details."""
        return Result(Status.ERROR, self.message, details=details | {"phase": self.phase, "failure": self.kind.value})


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
            raise TransportFailure(FailureClass.DNS, f"{host} is not an IPv{family} address", phase="dns")
        return [(found, address, port)]
    try:
        infos = await resolver.resolve(host, port, want)
    except socket.gaierror as exc:
        reason = (exc.strerror or str(exc)).rstrip(".")
        raise TransportFailure(
            FailureClass.DNS, f"DNS failure: cannot resolve {host} ({reason})", phase="dns"
        ) from None
    if not infos:
        raise TransportFailure(FailureClass.DNS, f"DNS failure: no address for {host}", phase="dns")
    return [(found_family, address, port) for found_family, address in infos]


HAPPY_EYEBALLS_DELAY = 0.25  # RFC 8305 §5: the next address is tried this long after the previous one started


def interleave(addresses: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """RFC 8305 §4 order: IPv6 first, then alternate families, each family in the resolver's order."""
    six = [item for item in addresses if item[0] == socket.AF_INET6]
    four = [item for item in addresses if item[0] != socket.AF_INET6]
    if not six or not four:
        return addresses
    ordered: list[tuple[Any, ...]] = []
    for index in range(max(len(six), len(four))):
        ordered.extend(family[index] for family in (six, four) if index < len(family))
    return ordered


def show_address(address: str, port: int) -> str:
    """`127.0.0.1:443` or `[::1]:443`, as a failure or a result names the address."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


async def first_answer(
    addresses: list[tuple[Any, ...]],
    host: str,
    port: int,
    timeout: float | None,
    dial: Callable[[int, str], Awaitable[T]],
    discard: Callable[[T], None] = lambda _: None,
) -> tuple[T, str]:
    """Happy Eyeballs (RFC 8305): start each address 250 ms after the previous one or at once when it fails.

    `timeout` bounds each attempt; the first connection wins, the others are cancelled (or `discard`ed when they
    connected too). Returns the connection and the address that answered; every failure is named when all fail.
    """
    if len(addresses) == 1:
        family, address, _ = addresses[0]
        try:
            if timeout is None:  # the caller's deadline bounds it; no second timer on the hot path
                return await dial(family, address), address
            async with asyncio.timeout(timeout):
                return await dial(family, address), address
        except TimeoutError as exc:
            failure = TransportFailure(
                FailureClass.TIMEOUT, f"timed out while connecting after {seconds(timeout or 0)}", phase="connect"
            )
            failure.attempts = [(show_address(address, port), _why(exc, timeout))]
            raise failure from None
        except OSError as exc:
            failure = _connect_failure(host, port, exc)
            failure.attempts = [(show_address(address, port), _why(exc, timeout))]
            raise failure from None

    async def attempt(family: int, address: str) -> T:
        async with asyncio.timeout(timeout):
            return await dial(family, address)

    ordered = interleave(addresses)
    running: dict[asyncio.Task[T], str] = {}
    failures: list[tuple[str, BaseException]] = []
    started = 0
    try:
        while started < len(ordered) or running:
            if started < len(ordered):
                family, address, _ = ordered[started]
                started += 1
                running[asyncio.ensure_future(attempt(family, address))] = address
            delay = HAPPY_EYEBALLS_DELAY if started < len(ordered) else None
            done, _ = await asyncio.wait(running, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                address = running.pop(task)
                error = task.exception()
                if error is None:
                    return task.result(), address
                if not isinstance(error, OSError | TimeoutError):
                    raise error
                failures.append((address, error))
    finally:
        for task in running:
            if task.done() and not task.cancelled() and task.exception() is None:
                discard(task.result())
            else:
                task.cancel()
    raise _all_failed(host, port, timeout, failures)


def _why(error: BaseException, timeout: float | None) -> str:
    """Why one address failed, in the words a failure names it with."""
    if isinstance(error, TimeoutError):
        return f"timed out after {seconds(timeout or 0)}"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return (getattr(error, "strerror", None) or str(error)).lower()


def _connect_failure(host: str, port: int, exc: OSError) -> TransportFailure:
    where = f"{host}:{port}"
    if isinstance(exc, ConnectionRefusedError):
        return TransportFailure(FailureClass.CONNECTION, f"connection refused by {where}", phase="connect")
    reason = (exc.strerror or str(exc)).lower()
    return TransportFailure(FailureClass.CONNECTION, f"cannot connect to {where}: {reason}", phase="connect")


def _all_failed(
    host: str, port: int, timeout: float | None, failures: list[tuple[str, BaseException]]
) -> TransportFailure:
    """One failure naming each address tried and why it failed; a timeout only when every attempt timed out."""
    named = "; ".join(f"{show_address(address, port)} {_why(error, timeout)}" for address, error in failures)
    timed_out = all(isinstance(error, TimeoutError) for _, error in failures)
    kind = FailureClass.TIMEOUT if timed_out else FailureClass.CONNECTION
    words = "timed out while connecting to" if timed_out else "cannot connect to"
    failure = TransportFailure(kind, f"{words} any address of {host}:{port} ({named})", phase="connect")
    failure.attempts = [(show_address(address, port), _why(error, timeout)) for address, error in failures]
    return failure


P = TypeVar("P", bound=asyncio.BaseProtocol)


async def open_protocol(
    addresses: list[tuple[Any, ...]], host: str, port: int, timeout: float | None, factory: Callable[[], P]
) -> tuple[P, str]:
    """A protocol connected to the first address that answers (the HTTP client feeds its parser from one)."""
    loop = asyncio.get_running_loop()

    async def dial(family: int, address: str) -> P:
        _, protocol = await loop.create_connection(factory, address, port, family=family)
        return protocol

    def discard(protocol: P) -> None:
        transport = getattr(protocol, "transport", None)
        if transport is not None:
            transport.abort()

    return await first_answer(addresses, host, port, timeout, dial, discard)


async def open_stream(
    addresses: list[tuple[Any, ...]], host: str, port: int, timeout: float | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A stream connection to the first address that answers, with the same failure summaries as HTTP checks."""

    async def dial(family: int, address: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(address, port, family=family, limit=65536)

    def discard(stream: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
        stream[1].transport.abort()

    connection, _ = await first_answer(addresses, host, port, timeout, dial, discard)
    return connection


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
