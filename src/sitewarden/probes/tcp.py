"""TCP ports: a connect (IPv4 or IPv6), optionally a line sent and a banner expected, with the connect time."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any, Literal

from pydantic import Field

from sitewarden.durations import Size
from sitewarden.probes.base import Probe, ProbeContext, ProbeParams, site_host
from sitewarden.results import FailureClass, Metric, Result, Status
from sitewarden.transport.dialing import TransportFailure, open_stream, resolve_addresses

BANNER_IDLE = 1.0  # seconds of silence after the first bytes that end a banner


class TcpParams(ProbeParams):
    """Connect to a TCP port; optionally send a line and expect a banner matching a regular expression."""

    kind: Literal["tcp"] = "tcp"
    host: str | None = Field(default=None, description="Host name or IP address; default the site's host.")
    port: int = Field(ge=1, le=65535, description="TCP port.")
    ip_family: Literal[4, 6] | None = Field(default=None, description="IPv4 or IPv6 only; default the site's.")
    send: str | None = Field(default=None, description='Text to send after connecting, e.g. "PING\\r\\n".')
    expect: re.Pattern[str] | None = Field(
        default=None, description="Regular expression the first bytes received must match, e.g. ^SSH-2.0."
    )
    max_read: Size = Field(default=65536, gt=0, description="Most bytes read while waiting for `expect`.")
    warning_ms: float | None = Field(default=None, gt=0, description="Warning when connecting takes longer (ms).")
    critical_ms: float | None = Field(default=None, gt=0, description="Error when connecting takes longer (ms).")


class TcpProbe(Probe[TcpParams]):
    """TCP connect with optional send and expected banner."""

    kind = "tcp"
    params = TcpParams
    pool = "network"
    failure_class = FailureClass.CONNECTION

    async def run(self, params: TcpParams, ctx: ProbeContext) -> Result:
        host = params.host or site_host(ctx.site)
        if not host:
            return Result(Status.UNKNOWN, "no host given and the check belongs to no site")
        family = params.ip_family or ctx.http_options.ip_family
        details: dict[str, Any] = {"host": host, "port": params.port}
        started = time.perf_counter()
        try:
            async with asyncio.timeout(ctx.timeout):
                addresses = await resolve_addresses(ctx.http.resolver, host, params.port, family)
                ctx.debug("addresses: " + ", ".join(str(address[1]) for address in addresses))
                reader, writer = await open_stream(addresses, host, params.port, None)
        except TransportFailure as failure:
            return failure.as_result(details)
        except TimeoutError:
            return Result(
                Status.ERROR, f"timed out while connecting after {ctx.timeout:g} s", details=details
            ).classify(FailureClass.TIMEOUT)
        connect_ms = (time.perf_counter() - started) * 1000
        peer = writer.get_extra_info("peername")
        details["address"] = str(peer[0]) if peer else None
        metric = Metric("connect_ms", round(connect_ms, 3), "ms", params.warning_ms, params.critical_ms)
        try:
            banner = await _converse(reader, writer, params, ctx.timeout - connect_ms / 1000)
        except TimeoutError:
            return Result(Status.ERROR, f"timed out waiting for the banner after {ctx.timeout:g} s", [metric], details)
        except ConnectionError as exc:
            reason = (exc.strerror or type(exc).__name__).lower()
            return Result(Status.ERROR, f"connection lost before the banner: {reason}", [metric], details)
        finally:
            writer.transport.abort()
        if params.expect is not None:
            text = banner.decode("utf-8", errors="replace")
            details["banner"] = text[:500]
            if not params.expect.search(text):
                shown = text.strip().splitlines()[0][:80] if text.strip() else "nothing"
                return Result(
                    Status.ERROR,
                    f"expected a banner matching '{params.expect.pattern}', got '{shown}'",
                    [metric],
                    details,
                )
        took = f"connected in {connect_ms:.0f} ms"
        if params.critical_ms is not None and connect_ms > params.critical_ms:
            return Result(Status.ERROR, f"slow: {took} (critical above {params.critical_ms:g} ms)", [metric], details)
        if params.warning_ms is not None and connect_ms > params.warning_ms:
            return Result(Status.WARNING, f"slow: {took} (warning above {params.warning_ms:g} ms)", [metric], details)
        return Result(Status.OK, took + (" and the banner matched" if params.expect else ""), [metric], details)


async def _converse(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, params: TcpParams, budget: float
) -> bytes:
    """Send `send`, then read until `expect` matches, the peer closes, or `max_read` bytes arrived."""
    if params.send is not None:
        writer.write(params.send.encode())
        await writer.drain()
    if params.expect is None:
        return b""
    data = b""
    deadline = asyncio.get_running_loop().time() + max(budget, 0.001)
    while len(data) < params.max_read:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            if data:
                break
            raise TimeoutError
        try:
            # once something arrived, a pause of BANNER_IDLE ends the banner: a wrong one must not cost the timeout
            async with asyncio.timeout(min(remaining, BANNER_IDLE) if data else remaining):
                chunk = await reader.read(min(4096, params.max_read - len(data)))
        except TimeoutError:
            if data:
                break
            raise
        if not chunk:
            break
        data += chunk
        if params.expect.search(data.decode("utf-8", errors="replace")):
            break
    return data
