"""Shared fixtures: loopback servers, TLS CA, databases (see tests/fixtures/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.certs import tls_port  # noqa: F401
from tests.fixtures.database import database, database_url, sqlite_database, sqlite_url  # noqa: F401
from tests.fixtures.dns_server import dns_server  # noqa: F401
from tests.fixtures.hostile import hostile  # noqa: F401
from tests.fixtures.processes import sitewarden_processes  # noqa: F401
from tests.fixtures.receivers import hook_receiver, smtp_server, smtp_starttls_server, syslog_udp  # noqa: F401
from tests.fixtures.servers import fake_site, serve, tls_ca  # noqa: F401
from tests.fixtures.sshd import sshd  # noqa: F401
from tests.fixtures.web import live_web  # noqa: F401

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback traffic must never go through a proxy the machine may configure."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
