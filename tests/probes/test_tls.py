from __future__ import annotations

import ssl
from pathlib import Path

import trustme

from sitewarden.probes.tls import TlsParams, TlsProbe
from sitewarden.results import FailureClass, Status
from tests.fixtures.certs import ServeTls, make_certificate, weak_server_context
from tests.fixtures.servers import free_port, server_context
from tests.probes.conftest import MakeContext, config_errors, load_check


def _params(port: int, ca: Path | None = None, **more: object) -> TlsParams:
    data = {"kind": "tls", "url": f"https://localhost:{port}/", "ca_file": str(ca) if ca else None, **more}
    return TlsParams.model_validate(data)


def test_defaults_and_threshold_order() -> None:
    check = load_check("- {kind: tls, url: 'https://shop.example.org/'}")
    assert (check.warning_days, check.critical_days) == (21, 7)
    errors = config_errors("- {kind: tls, url: 'https://a.example/', warning_days: 5, critical_days: 9}")
    assert errors == "sitewarden.yaml:2: checks[0]: critical_days must not be larger than warning_days"


async def test_valid_certificate_is_ok(tmp_path: Path, tls_port: ServeTls, probe_context: MakeContext) -> None:
    issued = make_certificate(tmp_path, days=90)
    port = await tls_port(weak_server_context(issued))
    result = await TlsProbe().run(_params(port, issued.ca), probe_context())
    assert result.status is Status.OK, result.summary
    assert result.summary.startswith("certificate valid for 89 days (TLSv1.3")
    assert 89 < (result.metric("days_left") or 0) <= 90
    assert result.details["chain_valid"] is True
    assert result.attachments["certificate"]["names"] == ["localhost", "127.0.0.1"]


async def test_trustme_certificate_with_the_site_ca_file(
    tmp_path: Path, tls_ca: trustme.CA, tls_port: ServeTls, probe_context: MakeContext
) -> None:
    ca_file = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(ca_file))
    port = await tls_port(server_context(tls_ca, "localhost"))
    result = await TlsProbe().run(_params(port, ca_file), probe_context())
    assert result.status is Status.OK, result.summary


async def test_certificate_close_to_expiry_warns_then_errs(
    tmp_path: Path, tls_port: ServeTls, probe_context: MakeContext
) -> None:
    soon = make_certificate(tmp_path / "soon", days=10.5)
    result = await TlsProbe().run(_params(await tls_port(weak_server_context(soon)), soon.ca), probe_context())
    assert (result.status, result.summary) == (Status.WARNING, "certificate expires in 10 days (warning below 21)")
    sooner = make_certificate(tmp_path / "sooner", days=3.5)
    result = await TlsProbe().run(_params(await tls_port(weak_server_context(sooner)), sooner.ca), probe_context())
    assert (result.status, result.summary) == (Status.ERROR, "certificate expires in 3 days (critical below 7)")
    assert result.failure is FailureClass.TLS_EXPIRY


async def test_expired_certificate_is_error(tmp_path: Path, tls_port: ServeTls, probe_context: MakeContext) -> None:
    issued = make_certificate(tmp_path, days=-3.5)
    port = await tls_port(weak_server_context(issued))
    result = await TlsProbe().run(_params(port, issued.ca), probe_context())
    assert (result.status, result.summary) == (Status.ERROR, "certificate expired 3 days ago")
    assert result.failure is FailureClass.TLS_EXPIRY
    assert (result.metric("days_left") or 0) < -3


async def test_self_signed_certificate_is_error(tmp_path: Path, tls_port: ServeTls, probe_context: MakeContext) -> None:
    issued = make_certificate(tmp_path, self_signed=True)
    port = await tls_port(weak_server_context(issued))
    result = await TlsProbe().run(_params(port), probe_context())
    assert result.status is Status.ERROR
    assert result.summary == "certificate not trusted: self-signed certificate"
    assert (result.metric("days_left") or 0) > 80, "days left are reported even for an untrusted certificate"


async def test_wrong_host_certificate_is_error(tmp_path: Path, tls_port: ServeTls, probe_context: MakeContext) -> None:
    issued = make_certificate(tmp_path, names=("shop.example.org", "*.shop.example.org"))
    port = await tls_port(weak_server_context(issued))
    result = await TlsProbe().run(_params(port, issued.ca), probe_context())
    assert result.status is Status.ERROR
    assert result.summary == (
        "certificate does not match the host name 'localhost' (shop.example.org, *.shop.example.org)"
    )
    named = _params(port, issued.ca, server_name="www.shop.example.org")
    result = await TlsProbe().run(named, probe_context())
    assert result.status is Status.OK, "a wildcard covers one label"


async def test_sha1_signature_is_flagged(tmp_path: Path, tls_port: ServeTls, probe_context: MakeContext) -> None:
    issued = make_certificate(tmp_path, hash_name="sha1")
    port = await tls_port(weak_server_context(issued))
    result = await TlsProbe().run(_params(port, issued.ca), probe_context())
    assert result.status is Status.ERROR
    assert "certificate signed with SHA1, a broken hash" in result.details["problems"]


async def test_short_rsa_key_is_flagged(tmp_path: Path, tls_port: ServeTls, probe_context: MakeContext) -> None:
    issued = make_certificate(tmp_path, rsa_bits=1024)
    port = await tls_port(weak_server_context(issued))
    result = await TlsProbe().run(_params(port, issued.ca), probe_context())
    assert "RSA key of 1024 bits (minimum 2048)" in result.details["problems"]
    assert result.details["certificate"]["key"] == "RSA 1024 bits"


async def test_old_protocol_is_a_warning(tmp_path: Path, tls_port: ServeTls, probe_context: MakeContext) -> None:
    issued = make_certificate(tmp_path)
    context = weak_server_context(issued)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    port = await tls_port(context)
    result = await TlsProbe().run(_params(port, issued.ca, min_version="TLSv1.3"), probe_context())
    assert (result.status, result.summary) == (Status.WARNING, "negotiated TLSv1.2 (minimum TLSv1.3)")
    assert result.details["protocol"] == "TLSv1.2"


async def test_refused_port_is_an_error(probe_context: MakeContext) -> None:
    port = free_port()
    result = await TlsProbe().run(_params(port), probe_context())
    assert (result.status, result.summary) == (Status.ERROR, f"connection refused by localhost:{port}")


async def test_plain_tcp_server_is_a_handshake_failure(probe_context: MakeContext) -> None:
    import asyncio

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        result = await TlsProbe().run(_params(port), probe_context())
    finally:
        server.close()
    assert result.status is Status.ERROR
    assert result.summary.startswith("TLS handshake failed:")
