"""Reading one HTTP/1.1 response off a connection, judged only when it is complete and well framed (RFC 9112).

A check must not call a site up because the first bytes looked right: the body is read to its end (Content-Length,
the last chunk, or the end of the connection when neither is given), decompressed and counted against the size cap
as it arrives, and dropped unless a rule needs it, so a 10 GiB or endless body costs time but no memory. A body that
ends early is a truncated response; interim 1xx responses are skipped; bytes after the declared end are ignored
whatever the read boundaries, because parsing stops at the end of the first final response.
"""

from __future__ import annotations

import asyncio
import time
import typing
import zlib
from typing import Any

import httptools

from sitewarden.results import FailureClass
from sitewarden.transport.dialing import TransportFailure

MAX_HEADER_BYTES = 64 * 1024  # a hostile server must not grow memory through endless headers
MAX_HEADERS = 500


class _Stop(Exception):
    """Raised from a parser callback to stop parsing: the response is complete, or it has failed."""


def size_text(count: int) -> str:
    """A byte count as a cap is written: `1 MiB`, `64 KiB`, `1000 bytes`."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


class ResponseReader:
    """httptools callbacks for one response: interim responses skipped, the body counted, kept only when asked."""

    def __init__(self, max_body: int, keep_body: bool, head: bool, upgrade: bool) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.max_body = max_body
        self.keep_body = keep_body
        self.head = head
        self.upgrade = upgrade
        self.status = 0
        self.http_version = "1.1"
        self.headers: list[tuple[str, str]] = []
        self.header_bytes = 0
        self.interim = 0
        self.in_interim = False
        self.chunks: list[bytes] = []
        self.size = 0
        self.wire_bytes = 0
        self.expected: int | None = None
        self.chunked = False
        self.headers_done = False
        self.complete = False
        self.failure: TransportFailure | None = None
        self.decoder: Any = None
        self.gzip = False

    def fail(self, kind: FailureClass, message: str) -> _Stop:
        self.failure = TransportFailure(kind, message, phase="body" if self.headers_done else "headers")
        return _Stop()

    def on_message_begin(self) -> None:
        if self.complete:
            raise _Stop()  # bytes after the end of the response: never parsed, never judged
        self.headers = []
        self.header_bytes = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        self.header_bytes += len(name) + len(value)
        if self.header_bytes > MAX_HEADER_BYTES or len(self.headers) >= MAX_HEADERS:
            limit = f"{MAX_HEADER_BYTES // 1024} KiB or {MAX_HEADERS} lines"
            raise self.fail(FailureClass.INVALID_RESPONSE, f"invalid HTTP response: headers larger than {limit}")
        self.headers.append((name.decode("latin-1").lower(), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if 100 <= status < 200 and not (status == 101 and self.upgrade):
            if status == 101:
                raise self.fail(FailureClass.INVALID_RESPONSE, "invalid HTTP response: 101 without an upgrade request")
            self.interim += 1
            self.in_interim = True
            return
        self.status = status
        self.http_version = self.parser.get_http_version()
        self.headers_done = True
        encoding = ""
        for name, value in self.headers:
            if name == "content-length":
                self.expected = int(value.strip()) if value.strip().isdigit() else None
            elif name == "transfer-encoding":
                self.chunked = value.strip().lower().endswith("chunked")
            elif name == "content-encoding":
                encoding = value.strip().lower()
        if self.head or status in (204, 304):
            self.complete = True
            raise _Stop()
        if encoding in ("gzip", "x-gzip"):
            self.gzip = True
            self.decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.decoder = zlib.decompressobj()
        elif self.expected is not None and self.expected > self.max_body and not self.chunked:
            raise self.too_large(f" (Content-Length {self.expected})")

    def too_large(self, why: str = "") -> _Stop:
        return self.fail(FailureClass.BODY_TOO_LARGE, f"body larger than the {size_text(self.max_body)} cap{why}")

    def on_body(self, body: bytes) -> None:
        self.wire_bytes += len(body)
        if self.decoder is not None:
            try:
                body = self._inflate(body)
            except zlib.error as exc:
                encoding = next((v for k, v in self.headers if k == "content-encoding"), "compressed")
                message = f"invalid HTTP response: broken {encoding} body: {exc}"
                raise self.fail(FailureClass.INVALID_RESPONSE, message) from None
        self.size += len(body)
        if self.size > self.max_body:
            raise self.too_large(" after decompression" if self.decoder is not None else "")
        if self.keep_body:
            self.chunks.append(body)

    def _inflate(self, data: bytes) -> bytes:
        """Decompressed bytes, at most one past the cap; a gzip body may be several members (RFC 1952 §2.2)."""
        room = self.max_body - self.size + 1
        out = self.decoder.decompress(data, room)
        while self.gzip and self.decoder.eof and self.decoder.unused_data and room - len(out) > 0:
            rest = self.decoder.unused_data
            self.decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += self.decoder.decompress(rest, room - len(out))
        return bytes(out)

    def on_message_complete(self) -> None:
        if self.in_interim:
            self.in_interim = False
            return
        self.finish()

    def finish(self) -> None:
        """The body ended where its framing said: check the compressed stream ended too."""
        if self.decoder is not None and self.wire_bytes and not self.decoder.eof:
            raise self.fail(FailureClass.INVALID_RESPONSE, "truncated: the compressed body ends early")
        self.complete = True

    def at_eof(self, reset: bool) -> TransportFailure | None:
        """The connection ended after the headers: complete when close-delimited and closed cleanly, else truncated."""
        if self.complete:
            return self.failure
        if self.chunked:
            return TransportFailure(
                FailureClass.INVALID_RESPONSE,
                f"truncated: chunked body ended without its last chunk after {self.wire_bytes} bytes",
                phase="body",
            )
        if self.expected is not None:
            return TransportFailure(
                FailureClass.INVALID_RESPONSE, f"truncated: {self.wire_bytes} of {self.expected} bytes", phase="body"
            )
        if reset:
            return TransportFailure(
                FailureClass.INVALID_RESPONSE,
                f"truncated: the connection was reset after {self.wire_bytes} bytes of the body",
                phase="body",
            )
        try:
            self.finish()
        except _Stop:
            return self.failure
        return None


class Connection(asyncio.Protocol):
    """One HTTP exchange on one connection: the reader is fed straight from the event loop's callbacks."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.reader: ResponseReader | None = None
        self.done: asyncio.Future[None] | None = None
        self.first_byte_at: float | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)  # uvloop's transports are not subclasses

    async def start_tls(self, context: Any, server_hostname: str | None) -> None:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        upgraded = await loop.start_tls(self.transport, self, context, server_hostname=server_hostname)
        assert upgraded is not None
        self.transport = upgraded

    def extra(self, name: str) -> Any:
        return self.transport.get_extra_info(name) if self.transport is not None else None

    def expect(self, reader: ResponseReader) -> asyncio.Future[None]:
        self.reader = reader
        self.done = asyncio.get_running_loop().create_future()
        return self.done

    def write(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)

    @property
    def phase(self) -> str:
        """Where a response stands, for a timeout's summary: waiting, in the headers, after 1xx, or in the body."""
        reader = self.reader
        if reader is None or self.first_byte_at is None:
            return "response"
        if reader.headers_done:
            return "body"
        return "interim" if reader.interim else "headers"

    def data_received(self, data: bytes) -> None:
        if self.first_byte_at is None:
            self.first_byte_at = time.perf_counter()
        reader, done = self.reader, self.done
        if reader is None or done is None or done.done():
            return
        try:
            reader.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            reader.complete = reader.complete or reader.headers_done
        except httptools.HttpParserError as exc:
            if reader.failure is None and not reader.complete:
                detail = str(exc) or "unparsable data"
                phase = "body" if reader.headers_done else "headers"
                done.set_exception(
                    TransportFailure(FailureClass.INVALID_RESPONSE, f"invalid HTTP response: {detail}", phase=phase)
                )
                return
        if reader.failure is not None:
            done.set_exception(reader.failure)
        elif reader.complete:
            done.set_result(None)

    def eof_received(self) -> bool | None:
        self._end(None)
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._end(exc)

    def _end(self, exc: Exception | None) -> None:
        reader, done = self.reader, self.done
        if reader is None or done is None or done.done():
            return
        reset = exc is not None
        if reader.headers_done:
            failure = reader.at_eof(reset)
            if failure is None:
                done.set_result(None)
            else:
                done.set_exception(failure)
            return
        if self.first_byte_at is None:
            how = "reset" if reset else "closed"
            done.set_exception(
                TransportFailure(
                    FailureClass.CONNECTION, f"connection {how} by the server before any response", phase="response"
                )
            )
            return
        done.set_exception(
            TransportFailure(
                FailureClass.INVALID_RESPONSE,
                "invalid HTTP response: the connection ended inside the headers",
                phase="headers",
            )
        )

    def close(self) -> None:
        if self.transport is not None:
            self.transport.abort()
