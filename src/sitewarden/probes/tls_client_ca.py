"""Client certificate authorities a TLS server accepts: the list it sends when it asks for a client certificate.

Python's ssl module does not expose that list, so the handshake runs through pyOpenSSL over a memory BIO on the
event loop's own connection; no client certificate is sent, the handshake only has to get far enough.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal
from urllib.parse import urlsplit

from OpenSSL import SSL
from pydantic import Field

from sitewarden.probes.base import Probe, ProbeContext, ProbeParams, resolve_url
from sitewarden.results import FailureClass, Result, Status
from sitewarden.transport.dialing import TransportFailure, is_ip_literal, open_stream, resolve_addresses


class TlsClientCaParams(ProbeParams):
    """Check that a TLS server asks for a client certificate and accepts the expected CA subject(s)."""

    kind: Literal["tls_client_ca"] = "tls_client_ca"
    url: str | None = Field(default=None, description="https:// URL (or a path below the site's URL).")
    server_name: str | None = Field(default=None, description="Name sent as SNI; default the URL's host.")
    expect: list[str] = Field(
        min_length=1,
        description="CA subjects that must be acceptable, e.g. `CN=Example Client CA,O=Example`; "
        "each must match all the attributes it names.",
    )
    ip_family: Literal[4, 6] | None = Field(default=None, description="IPv4 or IPv6 only; default the site's.")


class TlsClientCaProbe(Probe[TlsClientCaParams]):
    """TLS client certificate authorities offered by a server."""

    kind = "tls_client_ca"
    params = TlsClientCaParams
    pool = "network"
    failure_class = FailureClass.TLS
    yields_certificate = True
    site_relative_url = True

    async def run(self, params: TlsClientCaParams, ctx: ProbeContext) -> Result:
        parts = urlsplit(resolve_url(params.url, ctx.site))
        if not parts.hostname:
            return Result(Status.UNKNOWN, "no host name to connect to")
        port = parts.port or 443
        server_name = params.server_name or (ctx.http_options.host_header or parts.hostname).split(":")[0]
        details: dict[str, Any] = {"host": parts.hostname, "port": port}
        try:
            async with asyncio.timeout(ctx.timeout):
                family = params.ip_family or ctx.http_options.ip_family
                addresses = await resolve_addresses(ctx.http.resolver, parts.hostname, port, family)
                reader, writer = await open_stream(addresses, parts.hostname, port, None)
                try:
                    asked, names, error = await _handshake(
                        reader, writer, None if is_ip_literal(server_name) else server_name
                    )
                finally:
                    writer.transport.abort()
        except TransportFailure as failure:
            return failure.as_result(details)
        except TimeoutError:
            return Result(Status.ERROR, f"timed out during the TLS handshake after {ctx.timeout:g} s", details=details)
        details |= {"asks_for_client_certificate": asked, "acceptable_cas": names}
        if error:
            details["handshake_error"] = error
            ctx.debug(f"handshake ended with: {error}")
        if not asked:
            if error:
                return Result(Status.ERROR, f"TLS handshake failed: {error}", details=details)
            return Result(Status.ERROR, "the server does not ask for a client certificate", details=details)
        if not names:
            return Result(Status.ERROR, "the server asks for a client certificate but names no CA", details=details)
        missing = [subject for subject in params.expect if not any(name_matches(subject, name) for name in names)]
        if missing:
            offered = "; ".join(names[:5])
            return Result(
                Status.ERROR, f"CA not acceptable: {', '.join(missing)} (offered: {offered})", details=details
            )
        return Result(Status.OK, f"the server accepts client certificates from {'; '.join(names[:3])}", details=details)


async def _handshake(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sni: str | None
) -> tuple[bool, list[str], str]:
    """Drive a pyOpenSSL client handshake over the stream; returns (asked, CA names, error text)."""
    context = SSL.Context(SSL.TLS_CLIENT_METHOD)
    context.set_verify(SSL.VERIFY_NONE, lambda *_: True)
    asked = [False]

    def info(connection: SSL.Connection, where: int, _ret: int) -> None:
        if b"certificate request" in (connection.get_state_string() or b"").lower():
            asked[0] = True

    context.set_info_callback(info)
    connection = SSL.Connection(context, None)
    connection.set_connect_state()
    if sni:
        connection.set_tlsext_host_name(sni.encode("idna"))
    error = ""
    while True:
        try:
            connection.do_handshake()
            break
        except SSL.WantReadError:
            _flush(connection, writer)
            data = await reader.read(65536)
            if not data:
                error = "connection closed by the server"
                break
            connection.bio_write(data)
        except SSL.Error as exc:
            error = _reason(exc)
            break
    _flush(connection, writer)
    names = [_format_name(name.get_components()) for name in connection.get_client_ca_list()]
    return asked[0] or bool(names), names, error


def _flush(connection: SSL.Connection, writer: asyncio.StreamWriter) -> None:
    while True:
        try:
            chunk = connection.bio_read(65536)
        except SSL.WantReadError:
            return
        if not chunk:
            return
        writer.write(chunk)


def _format_name(components: list[tuple[bytes, bytes]]) -> str:
    """X509Name components as `CN=…,O=…` (most specific first, as RFC 4514 writes names)."""
    return ",".join(f"{key.decode()}={value.decode('utf-8', errors='replace')}" for key, value in reversed(components))


def name_matches(expected: str, offered: str) -> bool:
    """True when every `KEY=value` of the expected subject is in the offered name (keys case-insensitive)."""

    def pairs(text: str) -> set[tuple[str, str]]:
        found = set()
        for part in text.replace(";", ",").split(","):
            key, sep, value = part.partition("=")
            if sep:
                found.add((key.strip().upper(), value.strip()))
        return found

    wanted = pairs(expected)
    return bool(wanted) and wanted <= pairs(offered)


def _reason(exc: SSL.Error) -> str:
    for item in exc.args[0] if exc.args and isinstance(exc.args[0], list) else []:
        if isinstance(item, tuple) and len(item) >= 3 and item[2]:
            return str(item[2])
    return str(exc) or type(exc).__name__
