"""Dialing shared by the HTTP client and the tcp/tls probes: addresses, the first answer, one failure vocabulary."""

from __future__ import annotations

import asyncio
import socket

import pytest

from sitewarden.transport.dialing import TransportFailure, interleave, is_ip_literal, open_stream, resolve_addresses
from sitewarden.transport.http import HttpFailure
from sitewarden.transport.resolver import StaticResolver


def test_ip_literals_skip_the_resolver_and_names_use_it() -> None:
    resolver = StaticResolver({"shop.test": ["127.0.0.2", "::1"]})

    async def main() -> list[list[tuple[object, ...]]]:
        return [
            await resolve_addresses(resolver, "127.0.0.9", 80, None),
            await resolve_addresses(resolver, "[::1]", 443, 6),
            await resolve_addresses(resolver, "shop.test", 8080, 4),
        ]

    assert asyncio.run(main()) == [
        [(socket.AF_INET, "127.0.0.9", 80)],
        [(socket.AF_INET6, "::1", 443)],
        [(socket.AF_INET, "127.0.0.2", 8080)],
    ]
    assert is_ip_literal("[::1]") and is_ip_literal("127.0.0.1") and not is_ip_literal("shop.test")


@pytest.mark.parametrize(
    ("host", "family", "message"),
    [
        ("127.0.0.1", 6, "127.0.0.1 is not an IPv6 address"),
        ("missing.test", None, "DNS failure: cannot resolve missing.test (Name or service not known)"),
    ],
)
def test_resolution_failures_are_dns_failures(host: str, family: int | None, message: str) -> None:
    resolver = StaticResolver({})
    with pytest.raises(TransportFailure) as caught:
        asyncio.run(resolve_addresses(resolver, host, 80, family))
    assert (caught.value.kind, caught.value.phase, caught.value.message) == ("dns", "dns", message)


def test_a_refused_port_reads_the_same_for_every_check() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: the kernel refuses connections
        addresses = [(socket.AF_INET, "127.0.0.1", port)]
        with pytest.raises(HttpFailure) as caught:
            asyncio.run(open_stream(addresses, "127.0.0.1", port, 0.5))
    assert (caught.value.kind, caught.value.message) == ("connection", f"connection refused by 127.0.0.1:{port}")


def test_the_first_address_that_answers_is_used() -> None:
    async def main() -> bytes:
        async def greet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(b"hello\n")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(greet, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        addresses = [(socket.AF_INET, "127.0.0.2", port), (socket.AF_INET, "127.0.0.1", port)]  # .2: refused
        reader, writer = await open_stream(addresses, "shop.test", port, 0.5)
        line = await reader.readline()
        writer.close()
        server.close()
        await server.wait_closed()
        return line

    assert asyncio.run(main()) == b"hello\n"


def test_addresses_are_tried_ipv6_first_then_alternating_families() -> None:
    six, four = socket.AF_INET6, socket.AF_INET
    found = [(four, "192.0.2.1", 80), (four, "192.0.2.2", 80), (six, "2001:db8::1", 80), (six, "2001:db8::2", 80)]
    assert [address for _, address, _ in interleave(found)] == ["2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2"]
    assert interleave(found[:2]) == found[:2]
