from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitewarden.probes.tls_client_ca import TlsClientCaParams, TlsClientCaProbe, name_matches
from sitewarden.results import Status
from tests.fixtures.certs import make_certificate
from tests.fixtures.servers import free_port
from tests.probes.conftest import MakeContext, config_errors

StartServer = Callable[..., int]


@pytest.fixture
def s_server(tmp_path: Path) -> Iterator[StartServer]:
    """`s_server(client_ca=path or None, tls12=False)` → port of an `openssl s_server` asking for client certs."""
    processes: list[subprocess.Popen[bytes]] = []
    server = make_certificate(tmp_path / "server")

    def start(client_ca: Path | None = None, tls12: bool = False) -> int:
        port = free_port()
        command = ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(server.cert)]
        command += ["-key", str(server.key), "-quiet", "-naccept", "1"]
        if client_ca is not None:
            command += ["-verify", "1", "-CAfile", str(client_ca)]
        if tls12:
            command.append("-tls1_2")
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        processes.append(process)
        _wait_listening(port)
        return port

    yield start
    for process in processes:
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stderr):
            if stream is not None:
                stream.close()


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open("/proc/net/tcp") as handle:
            if any(f":{port:04X} 00000000:0000 0A" in line for line in handle):
                return
        time.sleep(0.05)
    raise RuntimeError("openssl s_server did not start")


def _params(port: int, *expect: str) -> TlsClientCaParams:
    return TlsClientCaParams.model_validate(
        {"kind": "tls_client_ca", "url": f"https://localhost:{port}/", "expect": list(expect)}
    )


def test_expected_subjects_are_required() -> None:
    errors = config_errors("- {kind: tls_client_ca, url: 'https://a.example/', expect: []}")
    assert "checks[0].expect: list should have at least 1 item" in errors


def test_subjects_match_by_their_attributes() -> None:
    assert name_matches("CN=Client CA", "CN=Client CA,O=Example")
    assert name_matches("o=Example, CN=Client CA", "CN=Client CA,O=Example")
    assert not name_matches("CN=Other CA", "CN=Client CA,O=Example")


@pytest.mark.parametrize("tls12", [False, True])
async def test_expected_ca_is_offered(
    tls12: bool, tmp_path: Path, s_server: StartServer, probe_context: MakeContext
) -> None:
    client_ca = make_certificate(tmp_path / "client").ca
    port = s_server(client_ca=client_ca, tls12=tls12)
    result = await TlsClientCaProbe().run(_params(port, "CN=sitewarden test CA"), probe_context())
    assert (result.status, result.summary) == (
        Status.OK,
        "the server accepts client certificates from CN=sitewarden test CA",
    )


async def test_missing_ca_is_an_error(tmp_path: Path, s_server: StartServer, probe_context: MakeContext) -> None:
    port = s_server(client_ca=make_certificate(tmp_path / "client").ca)
    result = await TlsClientCaProbe().run(_params(port, "CN=Partner CA"), probe_context())
    assert (result.status, result.summary) == (
        Status.ERROR,
        "CA not acceptable: CN=Partner CA (offered: CN=sitewarden test CA)",
    )


async def test_server_not_asking_is_an_error(s_server: StartServer, probe_context: MakeContext) -> None:
    port = s_server()
    result = await TlsClientCaProbe().run(_params(port, "CN=sitewarden test CA"), probe_context())
    assert (result.status, result.summary) == (Status.ERROR, "the server does not ask for a client certificate")


async def test_refused_port_is_an_error(probe_context: MakeContext) -> None:
    port = free_port()
    result = await TlsClientCaProbe().run(_params(port, "CN=x"), probe_context())
    assert (result.status, result.summary) == (Status.ERROR, f"connection refused by localhost:{port}")
