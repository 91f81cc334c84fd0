from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from sitewarden.probes.tcp import TcpParams, TcpProbe
from sitewarden.results import Status
from tests.fixtures.servers import free_port
from tests.probes.conftest import MakeContext, config_errors

Banner = Callable[..., Awaitable[int]]


@pytest.fixture
async def banner_server() -> AsyncIterator[Banner]:
    """`await banner_server(b"SSH-2.0-test\\r\\n", host="127.0.0.1", echo=False)` → port."""
    servers: list[asyncio.Server] = []

    async def start(banner: bytes = b"", host: str = "127.0.0.1", echo: bool = False) -> int:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(banner)
            if echo:
                writer.write(await reader.readline())
            await writer.drain()
            await reader.read(1)
            writer.close()

        server = await asyncio.start_server(handle, host, 0)
        servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


def _params(**data: object) -> TcpParams:
    return TcpParams.model_validate({"kind": "tcp", "host": "127.0.0.1", **data})


def test_port_is_required_and_bounded() -> None:
    assert "checks[0].port: required key 'port' is missing" in config_errors("- {kind: tcp, host: a.example}")
    assert "checks[0].port: input should be less than or equal to 65535" in config_errors(
        "- {kind: tcp, host: a.example, port: 70000}"
    )
    assert "checks[0].expect:" in config_errors("- {kind: tcp, host: a.example, port: 22, expect: '('}")


async def test_open_port_is_ok_with_connect_time(banner_server: Banner, probe_context: MakeContext) -> None:
    port = await banner_server()
    result = await TcpProbe().run(_params(port=port), probe_context())
    assert result.status is Status.OK
    assert result.summary.startswith("connected in")
    assert result.metric("connect_ms") is not None


async def test_ipv6_loopback_is_reached(banner_server: Banner, probe_context: MakeContext) -> None:
    port = await banner_server(host="::1")
    result = await TcpProbe().run(_params(host="ip6-localhost", port=port, ip_family=6), probe_context())
    assert result.status is Status.OK, result.summary
    assert result.details["address"] == "::1"


async def test_ipv4_only_refuses_an_ipv6_literal(probe_context: MakeContext) -> None:
    result = await TcpProbe().run(_params(host="::1", port=22, ip_family=4), probe_context())
    assert result.status is Status.ERROR
    assert result.summary == "::1 is not an IPv4 address"


async def test_refused_port_is_an_error(probe_context: MakeContext) -> None:
    port = free_port()
    result = await TcpProbe().run(_params(port=port), probe_context())
    assert (result.status, result.summary) == (Status.ERROR, f"connection refused by 127.0.0.1:{port}")


async def test_expected_banner_matches(banner_server: Banner, probe_context: MakeContext) -> None:
    port = await banner_server(b"SSH-2.0-OpenSSH_9.2\r\n")
    result = await TcpProbe().run(_params(port=port, expect="^SSH-2\\.0-"), probe_context())
    assert result.status is Status.OK
    assert result.summary.endswith("and the banner matched")


async def test_wrong_banner_is_an_error(banner_server: Banner, probe_context: MakeContext) -> None:
    port = await banner_server(b"220 mail ESMTP\r\n")
    result = await TcpProbe().run(_params(port=port, expect="^SSH-"), probe_context())
    assert (result.status, result.summary) == (Status.ERROR, "expected a banner matching '^SSH-', got '220 mail ESMTP'")


async def test_sent_line_is_answered(banner_server: Banner, probe_context: MakeContext) -> None:
    port = await banner_server(echo=True)
    result = await TcpProbe().run(_params(port=port, send="PING\r\n", expect="^PING"), probe_context())
    assert result.status is Status.OK, result.summary


async def test_silent_server_times_out_waiting_for_the_banner(
    banner_server: Banner, probe_context: MakeContext
) -> None:
    port = await banner_server()
    result = await TcpProbe().run(_params(port=port, expect="^SSH-"), probe_context(timeout=0.3))
    assert result.status is Status.ERROR
    assert result.summary == "timed out waiting for the banner after 0.3 s"


async def test_unknown_host_is_a_dns_failure(probe_context: MakeContext) -> None:
    result = await TcpProbe().run(_params(host="no-such-host.invalid", port=80), probe_context())
    assert result.status is Status.ERROR
    assert result.summary.startswith("DNS failure: cannot resolve no-such-host.invalid")
