"""The HTTP client on both event loops the engine may run: the standard one and uvloop."""

from __future__ import annotations

import asyncio

import pytest
import trustme
from aiohttp import web

from sitewarden.app.daemon import run_async
from sitewarden.transport.http import HttpClient, HttpFailure, HttpRequest
from sitewarden.transport.options import HttpOptions
from tests.fixtures.servers import server_context


async def _exchange(ca: trustme.CA, ca_path: str) -> list[tuple[int, bytes, bool]]:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=f"hello {request.path}")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    plain = web.TCPSite(runner, "127.0.0.1", 0)
    secure = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context(ca, "127.0.0.1"))
    await plain.start()
    await secure.start()
    ports = [site._server.sockets[0].getsockname()[1] for site in (plain, secure)]  # type: ignore[union-attr]
    client = HttpClient()
    outcomes = []
    try:
        for url in (f"http://127.0.0.1:{ports[0]}/a", f"https://127.0.0.1:{ports[1]}/b"):
            options = HttpOptions(ca_file=ca_path)
            response = await client.request(HttpRequest(url=url, options=options))
            outcomes.append((response.status, response.body, response.tls is not None))
        try:
            await client.request(HttpRequest(url=f"https://127.0.0.1:{ports[1]}/c"))
        except HttpFailure as failure:
            outcomes.append((0, failure.kind.encode(), False))
    finally:
        await runner.cleanup()
    return outcomes


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_requests_work_on_both_event_loops(loop: str, tls_ca: trustme.CA, tmp_path: object) -> None:
    ca_path = str(tmp_path) + "/ca.pem"  # type: ignore[operator]
    tls_ca.cert_pem.write_to_path(ca_path)
    if loop == "uvloop":
        outcomes = run_async(lambda: _exchange(tls_ca, ca_path))
    else:
        outcomes = asyncio.run(_exchange(tls_ca, ca_path))
    assert outcomes == [(200, b"hello /a", False), (200, b"hello /b", True), (0, b"tls", False)]


async def _resumptions(ca: trustme.CA, ca_path: str, tls_version: str) -> list[bool]:
    import ssl

    async def page(_request: web.Request) -> web.Response:
        return web.Response(text="secure")

    app = web.Application()
    app.router.add_get("/", page)
    context = server_context(ca, "127.0.0.1")
    if tls_version == "1.2":
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    client = HttpClient()
    resumed = []
    try:
        for _ in range(3):
            request = HttpRequest(url=f"https://127.0.0.1:{port}/", options=HttpOptions(ca_file=ca_path))
            response = await client.request(request)
            assert response.status == 200 and response.tls is not None
            resumed.append(response.tls.resumed)
    finally:
        await runner.cleanup()
    return resumed


@pytest.mark.parametrize("tls_version", ["1.2", "1.3"])
@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_the_next_check_resumes_the_tls_session(
    loop: str, tls_version: str, tls_ca: trustme.CA, tmp_path: object
) -> None:
    ca_path = str(tmp_path) + "/ca.pem"  # type: ignore[operator]
    tls_ca.cert_pem.write_to_path(ca_path)
    if loop == "uvloop":
        resumed = run_async(lambda: _resumptions(tls_ca, ca_path, tls_version))
    else:
        resumed = asyncio.run(_resumptions(tls_ca, ca_path, tls_version))
    assert resumed == [False, True, True]


async def _unverified_then_verified(ca: trustme.CA) -> tuple[bool, str]:
    async def page(_request: web.Request) -> web.Response:
        return web.Response(text="secure")

    app = web.Application()
    app.router.add_get("/", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context(ca, "127.0.0.1"))
    await site.start()
    url = f"https://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/"  # type: ignore[union-attr]
    client = HttpClient()
    try:
        first = await client.request(HttpRequest(url=url, options=HttpOptions(verify_tls=False)))
        try:
            await client.request(HttpRequest(url=url))
        except HttpFailure as failure:
            return first.status == 200, failure.kind
        return first.status == 200, "resumed without verification"
    finally:
        await runner.cleanup()


def test_a_session_from_an_unverified_check_never_skips_verification(tls_ca: trustme.CA) -> None:
    assert run_async(lambda: _unverified_then_verified(tls_ca)) == (True, "tls")
