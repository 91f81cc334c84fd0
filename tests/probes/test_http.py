"""The http probe against real loopback servers: every failure class has its own result and summary."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiohttp import web
from pydantic import ValidationError

from sitewarden.probes.base import ProbeContext, SiteInfo
from sitewarden.probes.http import HttpParams, HttpProbe
from sitewarden.results import FailureClass, Result, Status
from sitewarden.transport.http import HttpClient
from sitewarden.transport.options import HttpOptions
from sitewarden.transport.resolver import StaticResolver
from tests.fixtures.servers import FakeSite, Serve, free_port, server_context


async def run(params: dict[str, Any], site_url: str | None = None, timeout: float = 5.0, **options: Any) -> Result:
    site = SiteInfo(name="shop", url=site_url, http=HttpOptions(**options)) if site_url else None
    resolver = StaticResolver({"shop.test": "127.0.0.1", "v6.test": "::1"})
    ctx = ProbeContext(http=HttpClient(resolver=resolver), site=site, timeout=timeout)
    return await HttpProbe().run(HttpParams.model_validate({"kind": "http", **params}), ctx)


async def test_healthy_page_is_ok_with_phase_metrics(fake_site: FakeSite) -> None:
    fake_site.set("/", body="<button>Add to cart</button>")
    result = await run({"keyword": "Add to cart"}, fake_site.url)
    assert result.status is Status.OK
    assert result.summary.startswith("status 200 in ")
    names = {metric.name for metric in result.metrics}
    assert {"dns_ms", "connect_ms", "ttfb_ms", "total_ms", "status_code", "bytes"} <= names
    assert result.metric("status_code") == 200 and result.metric("bytes") == len("<button>Add to cart</button>")


async def test_unexpected_status_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/", status=503, body="down")
    result = await run({}, fake_site.url)
    assert (result.status, result.summary) == (Status.ERROR, "status 503, expected 200-299")


async def test_status_lists_and_ranges_are_accepted(fake_site: FakeSite) -> None:
    fake_site.set("/gone", status=410)
    result = await run({"url": "/gone", "expect_status": [200, "400-410"]}, fake_site.url)
    assert result.status is Status.OK


async def test_missing_keyword_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/", body="<p>Maintenance</p>")
    result = await run({"keyword": "Add to cart"}, fake_site.url)
    assert (result.status, result.summary) == (Status.ERROR, "keyword 'Add to cart' not found")


async def test_forbidden_keyword_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/", body="Fatal error: database gone")
    result = await run({"keyword_absent": "Fatal error"}, fake_site.url)
    assert (result.status, result.summary) == (Status.ERROR, "keyword 'Fatal error' found")


async def test_regex_must_match(fake_site: FakeSite) -> None:
    fake_site.set("/", body="version 12.4.10")
    assert (await run({"regex": r"version \d+\.\d+"}, fake_site.url)).status is Status.OK
    result = await run({"regex": r"^ok$"}, fake_site.url)
    assert (result.status, result.summary) == (Status.ERROR, "no match for regex '^ok$'")


async def test_slow_response_is_warning_then_error(fake_site: FakeSite) -> None:
    fake_site.set("/", delay=0.3)
    warning = await run({"warning_ms": 100, "critical_ms": 5000}, fake_site.url)
    assert warning.status is Status.WARNING and "warning above 100 ms" in warning.summary
    error = await run({"warning_ms": 50, "critical_ms": 100}, fake_site.url)
    assert error.status is Status.ERROR and "critical above 100 ms" in error.summary


async def test_redirects_are_followed_up_to_the_limit(fake_site: FakeSite) -> None:
    fake_site.set("/", status=302, headers={"Location": "/a"})
    fake_site.set("/a", status=301, headers={"Location": "/b"})
    fake_site.set("/b", body="landed")
    followed = await run({"keyword": "landed"}, fake_site.url)
    assert followed.status is Status.OK and len(followed.details["redirects"]) == 2
    limited = await run({"max_redirects": 1}, fake_site.url)
    assert limited.status is Status.ERROR and limited.summary.startswith("more than 1 redirects")
    not_followed = await run({"follow_redirects": False, "expect_status": [302]}, fake_site.url)
    assert not_followed.status is Status.OK


async def test_body_over_the_cap_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/", body="x" * 5000)
    result = await run({"keyword": "y", "max_body": 1024}, fake_site.url)
    assert (result.status, result.summary) == (Status.ERROR, "body larger than the 1 KiB cap (Content-Length 5000)")
    assert result.failure is FailureClass.BODY_TOO_LARGE


async def test_gzip_bodies_are_decoded_and_capped(fake_site: FakeSite) -> None:
    fake_site.set("/", body=gzip.compress(b"Add to cart" + b" " * 200_000), headers={"Content-Encoding": "gzip"})
    assert (await run({"keyword": "Add to cart"}, fake_site.url)).status is Status.OK
    bomb = await run({"keyword": "nothing", "max_body": 4096}, fake_site.url)
    assert bomb.summary == "body larger than the 4 KiB cap after decompression"


async def test_site_options_are_sent(fake_site: FakeSite) -> None:
    fake_site.set("/", body="ok")
    options = {"host_header": "shop.example.org", "headers": {"X-Env": "prod"}}
    from sitewarden.transport.options import BasicAuth

    auth = BasicAuth.model_validate({"user": "mon", "password": "pw-1234"})
    result = await run({}, fake_site.url, basic_auth=auth, **options)
    assert result.status is Status.OK
    headers = fake_site.requests[-1]["headers"]
    assert headers["Host"] == "shop.example.org"
    assert headers["X-Env"] == "prod"
    assert headers["Authorization"] == "Basic bW9uOnB3LTEyMzQ="
    assert headers["User-Agent"].startswith("sitewarden/")


async def test_dns_failure_is_error() -> None:
    result = await run({"url": "http://nowhere.test/"})
    assert result.status is Status.ERROR
    assert result.summary == "DNS failure: cannot resolve nowhere.test (Name or service not known)"
    assert result.details["failure"] == "dns"


async def test_refused_connection_is_error() -> None:
    port = free_port()
    result = await run({"url": f"http://shop.test:{port}/"})
    assert (result.status, result.summary) == (Status.ERROR, f"connection refused by shop.test:{port}")


async def test_timeout_names_the_phase(fake_site: FakeSite) -> None:
    fake_site.set("/", delay=2.0)
    result = await run({}, fake_site.url, timeout=0.3)
    assert (result.status, result.summary) == (Status.ERROR, "timed out waiting for the response after 0.3 s")


async def test_connect_timeout_names_the_connect_phase() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):  # fill the accept backlog so the next connect hangs
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        result = await run({"url": f"http://127.0.0.1:{port}/", "connect_timeout": "0.2s"}, timeout=2.0)
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
    assert result.status is Status.ERROR
    assert result.summary in ("timed out while connecting after 0.2 s", "timed out waiting for the response after 2 s")


async def test_endless_headers_are_an_invalid_response_not_a_memory_sink(fake_site: FakeSite) -> None:
    junk = b"".join(b"X-Junk-%d: %s\r\n" % (i, b"a" * 200) for i in range(2000))
    fake_site.set("/", raw=b"HTTP/1.1 200 OK\r\n" + junk + b"\r\nbody")
    result = await run({}, fake_site.url)
    assert result.status is Status.ERROR
    assert result.summary.startswith("invalid HTTP response") and "headers larger than 64 KiB" in result.summary


async def test_a_broken_gzip_body_is_named(fake_site: FakeSite) -> None:
    fake_site.set("/", body=b"this was never gzip", headers={"Content-Encoding": "gzip"})
    result = await run({"keyword": "x"}, fake_site.url)
    assert result.status is Status.ERROR
    assert result.summary.startswith("invalid HTTP response: broken gzip body")


async def test_invalid_response_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/", raw=b"this is not HTTP at all\r\n\r\n")
    result = await run({}, fake_site.url)
    assert result.status is Status.ERROR
    assert result.summary.startswith("invalid HTTP response")


async def test_empty_reply_is_error(serve: Serve) -> None:
    async def hang_up(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        raise asyncio.CancelledError

    app = web.Application()
    app.router.add_get("/", hang_up)
    result = await run({}, await serve(app))
    assert (result.status, result.summary) == (Status.ERROR, "connection closed by the server before any response")
    assert result.failure is FailureClass.CONNECTION


@pytest.fixture
def ca_file(tls_ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(path))
    return path


def _site(text: str = "secure") -> web.Application:
    async def page(_request: web.Request) -> web.Response:
        return web.Response(text=text)

    app = web.Application()
    app.router.add_get("/", page)
    return app


async def test_trusted_tls_is_ok_with_tls_metrics(serve: Serve, tls_ca: trustme.CA, ca_file: Path) -> None:
    url = await serve(_site(), server_context(tls_ca, "127.0.0.1"))
    result = await run({}, url, ca_file=ca_file)
    assert result.status is Status.OK
    assert result.metric("tls_ms") is not None
    assert result.details["tls"]["version"].startswith("TLS")


async def test_self_signed_certificate_is_a_tls_error(serve: Serve, tls_ca: trustme.CA) -> None:
    url = await serve(_site(), server_context(tls_ca, "127.0.0.1"))
    result = await run({}, url)
    assert result.status is Status.ERROR
    assert result.summary.startswith("TLS error: ")
    assert "certificate" in result.summary and result.details["phase"] == "tls"


async def test_expired_certificate_is_a_tls_error(serve: Serve, tls_ca: trustme.CA, ca_file: Path) -> None:
    import datetime

    expired = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    url = await serve(_site(), server_context(tls_ca, "127.0.0.1", not_after=expired))
    result = await run({}, url, ca_file=ca_file)
    assert (result.status, result.summary) == (Status.ERROR, "TLS error: certificate has expired")
    assert result.failure is FailureClass.TLS_EXPIRY


@pytest.mark.parametrize(
    ("days", "status", "summary"),
    [
        ({"cert_warning_days": 14, "cert_critical_days": 7}, Status.OK, "status 200 in "),
        ({"cert_warning_days": 30}, Status.WARNING, "certificate expires in 19 days (warning below 30)"),
        (
            {"cert_warning_days": 30, "cert_critical_days": 25},
            Status.ERROR,
            "certificate expires in 19 days (critical below 25)",
        ),
        ({}, Status.OK, "status 200 in "),
    ],
)
async def test_certificate_days_left_are_judged_in_the_http_check(
    serve: Serve, tls_ca: trustme.CA, ca_file: Path, days: dict[str, int], status: Status, summary: str
) -> None:
    import datetime

    ends = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=19, hours=12)
    url = await serve(_site(), server_context(tls_ca, "127.0.0.1", not_after=ends))
    result = await run(days, url, ca_file=ca_file)
    assert (result.status, result.failure) == (status, None if status is Status.OK else FailureClass.TLS_EXPIRY)
    assert result.summary.startswith(summary)


def test_certificate_critical_days_above_warning_days_are_refused() -> None:
    with pytest.raises(ValidationError, match="cert_critical_days must not be larger"):
        HttpParams.model_validate({"kind": "http", "cert_warning_days": 7, "cert_critical_days": 30})


async def test_wrong_host_certificate_is_a_tls_error(serve: Serve, tls_ca: trustme.CA, ca_file: Path) -> None:
    url = await serve(_site(), server_context(tls_ca, "other.example.org"))
    result = await run({}, url, ca_file=ca_file)
    assert result.status is Status.ERROR
    assert result.summary.startswith("TLS error: certificate does not match the host name")


async def test_verification_can_be_switched_off(serve: Serve, tls_ca: trustme.CA) -> None:
    url = await serve(_site(), server_context(tls_ca, "other.example.org"))
    assert (await run({}, url, verify_tls=False)).status is Status.OK


async def test_ipv6_only_site_over_ip_family_6(serve: Serve) -> None:
    app = _site("v6")
    try:
        url = await serve(app, host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    port = url.rsplit(":", 1)[1].strip("/")
    site_url = f"http://v6.test:{port}/"
    result = await run({"keyword": "v6"}, site_url, ip_family=6)
    assert result.status is Status.OK
    v4_only = await run({}, site_url, ip_family=4)
    assert v4_only.status is Status.ERROR and v4_only.details["failure"] == "dns"


def test_bad_params_are_refused() -> None:
    with pytest.raises(ValidationError):
        HttpParams.model_validate({"kind": "http", "warning_ms": 900, "critical_ms": 100})
    with pytest.raises(ValidationError):
        HttpParams.model_validate({"kind": "http", "method": "DELETE"})
    with pytest.raises(ValidationError):
        HttpParams.model_validate({"kind": "http", "expect_status": "ok"})
