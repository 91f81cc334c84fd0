"""TLS client contexts, built once per (verify, CA file) pair, and TLS sessions kept for resumption.

Loading a CA store costs milliseconds, so contexts are shared. A full TLS handshake costs most of an HTTPS check's
CPU, so each context keeps the last session per server name and offers it on the next connection; the server may
resume it. Sessions live in the context they were verified under (one with verification off never lends a session
to one with it on) and are dropped after `SESSION_MAX_AGE`, so every check still does a full handshake, with
certificate validation, at least that often (the `tls` probe always does a full one).
"""

from __future__ import annotations

import ssl
import time
from pathlib import Path
from typing import Any

SESSION_MAX_AGE = 3600.0


class ResumingContext(ssl.SSLContext):
    """An SSLContext that offers the last session of a server name whenever the event loop wraps a connection."""

    sessions: dict[str | None, tuple[ssl.SSLSession, float]]
    resume: bool

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        if self.resume and not kwargs.get("server_side") and kwargs.get("session") is None:
            kwargs["session"] = self.session_for(kwargs.get("server_hostname"))
        return super().wrap_bio(*args, **kwargs)

    def session_for(self, server_name: str | None) -> ssl.SSLSession | None:
        kept = self.sessions.get(server_name)
        if kept is None:
            return None
        if time.monotonic() - kept[1] > SESSION_MAX_AGE:
            del self.sessions[server_name]
            return None
        return kept[0]

    def remember(self, ssl_object: ssl.SSLObject) -> None:
        """Keep the session a completed exchange ended with; a resumed session keeps its first time."""
        session = ssl_object.session
        if not self.resume or session is None:
            return
        name = ssl_object.server_hostname
        first = self.sessions[name][1] if ssl_object.session_reused and name in self.sessions else time.monotonic()
        self.sessions[name] = (session, first)

    def forget(self, server_name: str | None) -> None:
        self.sessions.pop(server_name, None)


class TlsContexts:
    """A small cache of client SSL contexts shared by every request of one process."""

    def __init__(self, *, resume: bool = True) -> None:
        self.resume = resume
        self._contexts: dict[tuple[bool, str], ResumingContext] = {}

    def client_context(self, verify: bool, ca_file: Path | None = None) -> ResumingContext:
        key = (verify, str(ca_file or ""))
        context = self._contexts.get(key)
        if context is None:
            context = self._build(verify, ca_file)
            self._contexts[key] = context
        return context

    def _build(self, verify: bool, ca_file: Path | None) -> ResumingContext:
        context = ResumingContext(ssl.PROTOCOL_TLS_CLIENT)
        context.sessions = {}
        context.resume = self.resume
        if not verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        if ca_file is not None:
            context.load_verify_locations(cafile=str(ca_file))
        else:
            context.load_default_certs(ssl.Purpose.SERVER_AUTH)
        return context
