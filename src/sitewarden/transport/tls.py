"""TLS client contexts, built once per (verify, CA file) pair: loading a CA store costs milliseconds."""

from __future__ import annotations

import ssl
from pathlib import Path


class TlsContexts:
    """A small cache of client SSL contexts shared by every request of one process."""

    def __init__(self) -> None:
        self._contexts: dict[tuple[bool, str], ssl.SSLContext] = {}

    def client_context(self, verify: bool, ca_file: Path | None = None) -> ssl.SSLContext:
        key = (verify, str(ca_file or ""))
        context = self._contexts.get(key)
        if context is None:
            context = self._build(verify, ca_file)
            self._contexts[key] = context
        return context

    @staticmethod
    def _build(verify: bool, ca_file: Path | None) -> ssl.SSLContext:
        if not verify:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        if ca_file is not None:
            return ssl.create_default_context(cafile=str(ca_file))
        return ssl.create_default_context()
