"""A lean HTTP/1.1 client for checks: one fresh connection per request, each phase timed, the body capped.

Checks need what general clients hide: DNS, TCP, TLS and first-byte times apart, the phase a timeout hit, the TLS
reason of a failed handshake, and a body read to its end under a cap. An asyncio Protocol feeding the httptools
parser (the pair uvicorn uses) gives all of it at a fraction of the CPU of a full client. Reaching the host (names,
addresses, connect failures) is `dialing.py`'s, shared with the probes that speak other protocols; reading one
complete, well-framed response off the connection is `framing.py`'s.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import ssl
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from sitewarden import __version__
from sitewarden.results import FailureClass
from sitewarden.transport.dialing import (
    Timings,
    TransportFailure,
    describe_verify_error,
    is_ip_literal,
    open_protocol,
    remember_session,
    resolve_addresses,
    seconds,
    show_address,
)
from sitewarden.transport.framing import Connection, ResponseReader
from sitewarden.transport.options import HttpOptions
from sitewarden.transport.resolver import Resolver, SystemResolver
from sitewarden.transport.tls import TlsContexts

USER_AGENT = f"sitewarden/{__version__} (+https://github.com/sitewarden/sitewarden)"
DEFAULT_MAX_BODY = 1024 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}
CERT_HAS_EXPIRED = 10  # X509_V_ERR_CERT_HAS_EXPIRED: an expired certificate is a `tls_expiry` failure

HttpFailure = TransportFailure
"""A request that did not produce a response: the transport's failure, so callers catch one class."""


@dataclass(slots=True)
class TlsInfo:
    """What the TLS handshake negotiated, and the peer's certificate chain in DER form."""

    version: str
    cipher: str
    peer_der: bytes | None
    verified: bool
    resumed: bool = False


@dataclass(slots=True)
class HttpRequest:
    """One check request; `options` carries the site's auth, Host header, TLS and address-family choices."""

    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    options: HttpOptions = field(default_factory=HttpOptions)
    follow_redirects: bool = True
    max_redirects: int = 10
    max_body: int = DEFAULT_MAX_BODY
    timeout: float = 10.0
    connect_timeout: float | None = None
    read_body: bool = True
    """Keep the body for rules to read; it is read to its end and counted against `max_body` either way."""


@dataclass(slots=True)
class HttpResponse:
    """A complete, well-framed response: status, headers (lower-case names), the body if kept, timings, TLS facts."""

    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    body_bytes: int
    timings: Timings
    http_version: str = "1.1"
    tls: TlsInfo | None = None
    redirects: list[str] = field(default_factory=list)
    address: str = ""
    """The address (`127.0.0.1:443`, `[::1]:443`) that answered the last request."""
    interim: int = 0
    """Interim (1xx) responses skipped before the final one."""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    def header_values(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key == wanted]

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    def text(self) -> str:
        charset = "utf-8"
        for part in (self.header("content-type") or "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


class HttpClient:
    """Makes check requests; holds the TLS contexts so they are built once, not per request."""

    def __init__(self, tls: TlsContexts | None = None, resolver: Resolver | None = None) -> None:
        self.tls = tls or TlsContexts()
        self.resolver: Resolver = resolver or SystemResolver()

    async def request(self, request: HttpRequest) -> HttpResponse:
        """Send the request, following redirects as asked; raise HttpFailure for anything but a response."""
        started = time.perf_counter()
        url = request.url
        method = request.method.upper()
        body = request.body
        redirects: list[str] = []
        origin = _origin(url)
        timings = Timings()
        phase = ["dns"]
        try:
            async with asyncio.timeout(request.timeout):
                while True:
                    send_auth = _origin(url) == origin
                    response = await self._once(request, url, method, body, send_auth, timings, phase)
                    location = response.header("location")
                    if not (request.follow_redirects and response.status in _REDIRECTS and location):
                        break
                    if len(redirects) >= request.max_redirects:
                        raise HttpFailure(
                            FailureClass.REDIRECTS,
                            f"more than {request.max_redirects} redirects (last to {location})",
                            phase="redirect",
                            timings=timings,
                        )
                    redirects.append(url)
                    url = urljoin(url, location)
                    if response.status in (301, 302, 303) and method != "HEAD":
                        method, body = "GET", None
        except HttpFailure as failure:
            timings.total_ms = (time.perf_counter() - started) * 1000
            failure.timings = timings
            raise
        except TimeoutError:
            timings.total_ms = (time.perf_counter() - started) * 1000
            raise HttpFailure(
                FailureClass.TIMEOUT,
                f"timed out {_PHASE_WORDS[phase[0]]} after {seconds(request.timeout)}",
                phase=phase[0],
                timings=timings,
            ) from None
        response.redirects = redirects
        response.timings.total_ms = (time.perf_counter() - started) * 1000
        return response

    async def _once(
        self,
        request: HttpRequest,
        url: str,
        method: str,
        body: bytes | None,
        send_auth: bool,
        timings: Timings,
        phase: list[str],
    ) -> HttpResponse:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HttpFailure(FailureClass.CONFIG, f"cannot request '{url}': not an http(s) URL", phase="dns")
        secure = parts.scheme == "https"
        host = parts.hostname
        try:
            port = parts.port or (443 if secure else 80)
        except ValueError:
            raise HttpFailure(FailureClass.CONFIG, f"cannot request '{url}': bad port", phase="dns") from None
        options = request.options
        phase[0] = "dns"
        mark = time.perf_counter()
        addresses = await resolve_addresses(self.resolver, host, port, options.ip_family)
        timings.dns_ms = (time.perf_counter() - mark) * 1000

        phase[0] = "connect"
        mark = time.perf_counter()
        connection, address = await open_protocol(addresses, host, port, request.connect_timeout, Connection)
        timings.connect_ms = (time.perf_counter() - mark) * 1000
        try:
            tls_info = None
            if secure:
                phase[0] = "tls"
                mark = time.perf_counter()
                server_name = (options.host_header or host).split(":")[0]
                tls_info = await self._handshake(connection, options, server_name)
                timings.tls_ms = (time.perf_counter() - mark) * 1000
            phase[0] = "response"
            reader = ResponseReader(request.max_body, request.read_body, method == "HEAD", _asks_upgrade(request))
            done = connection.expect(reader)
            mark = time.perf_counter()
            connection.write(_request_bytes(method, parts, body, request, send_auth))
            await done
            if connection.first_byte_at is not None:
                timings.ttfb_ms = (connection.first_byte_at - mark) * 1000
            if secure:
                remember_session(connection.extra("ssl_object"))
            return HttpResponse(
                url=url,
                status=reader.status,
                reason="",
                headers=reader.headers,
                body=b"".join(reader.chunks),
                body_bytes=reader.size,
                timings=timings,
                http_version=reader.http_version,
                tls=tls_info,
                address=show_address(address, port),
                interim=reader.interim,
            )
        except HttpFailure as failure:
            failure.timings = timings
            failure.address = show_address(address, port)
            raise
        finally:
            if phase[0] == "response":
                phase[0] = connection.phase
            connection.close()

    async def _handshake(self, connection: Connection, options: HttpOptions, server_name: str) -> TlsInfo:
        context = self.tls.client_context(options.verify_tls, options.ca_file)
        sni = None if is_ip_literal(server_name) else server_name
        hostname = server_name if context.check_hostname else sni
        try:
            await connection.start_tls(context, hostname)
        except ssl.SSLCertVerificationError as exc:
            context.forget(hostname)
            kind = FailureClass.TLS_EXPIRY if exc.verify_code == CERT_HAS_EXPIRED else FailureClass.TLS
            raise HttpFailure(kind, f"TLS error: {describe_verify_error(exc)}", phase="tls") from None
        except ssl.SSLError as exc:
            context.forget(hostname)
            reason = f"TLS error: {exc.reason or exc.strerror or exc}".lower()
            raise HttpFailure(FailureClass.TLS, reason, phase="tls") from None
        except (ConnectionResetError, BrokenPipeError):
            raise HttpFailure(
                FailureClass.TLS, "TLS error: connection reset during the handshake", phase="tls"
            ) from None
        ssl_object: ssl.SSLObject = connection.extra("ssl_object")
        cipher = ssl_object.cipher()
        return TlsInfo(
            version=ssl_object.version() or "",
            cipher=cipher[0] if cipher else "",
            peer_der=ssl_object.getpeercert(binary_form=True),
            verified=context.verify_mode != ssl.CERT_NONE,
            resumed=ssl_object.session_reused,
        )


_PHASE_WORDS = {
    "dns": "while resolving the host name",
    "connect": "while connecting",
    "tls": "during the TLS handshake",
    "request": "while sending the request",
    "response": "waiting for the response",
    "headers": "while reading the headers",
    "interim": "waiting for the final response (only interim 1xx responses came)",
    "body": "while reading the body",
    "redirect": "while following redirects",
}


@functools.lru_cache(maxsize=8192)
def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme, parts.hostname or "", port


def _asks_upgrade(request: HttpRequest) -> bool:
    """True when the request asks for a protocol upgrade, the only case where a 101 is a final answer."""
    names = (*request.options.headers, *request.headers)
    return any(name.lower() == "upgrade" for name in names)


def _request_bytes(method: str, parts: Any, body: bytes | None, request: HttpRequest, send_auth: bool) -> bytes:
    options = request.options
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    host = options.host_header or parts.netloc.rpartition("@")[2]
    headers: dict[str, str] = {
        "Host": host,
        "User-Agent": USER_AGENT,
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    if send_auth and options.basic_auth is not None:
        token = f"{options.basic_auth.user}:{options.basic_auth.password.get_secret_value()}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
    headers.update(options.headers)
    headers.update(request.headers)
    if body is not None:
        headers["Content-Length"] = str(len(body))
    lines = [f"{method} {target} HTTP/1.1"]
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
    return head + body if body else head
