"""Syslog handler: params, an RFC 5424 line received on a UDP socket, TCP octet counting."""

from __future__ import annotations

import asyncio
import re

import pytest
from pydantic import ValidationError

from sitewarden.events.handlers.syslog_handler import SyslogParams
from tests.events.handlers.delivery_kit import deliver_one
from tests.fixtures.receivers import SyslogReceiver

RFC5424 = re.compile(
    r"^<(?P<pri>\d+)>1 (?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (?P<host>\S+) sitewarden - availability "
    r"\[sitewarden@32473 (?P<sd>[^\]]*)\] (?P<msg>.*)$"
)


@pytest.mark.parametrize("address", ["udp://127.0.0.1", "http://x:1", "unix://"])
def test_bad_syslog_address_is_refused(address: str) -> None:
    with pytest.raises(ValidationError):
        SyslogParams.model_validate({"kind": "syslog", "address": address})


async def test_event_arrives_as_rfc5424_over_udp(sqlite_url: str, syslog_udp: SyslogReceiver) -> None:
    handler = f'{{kind: syslog, address: "udp://127.0.0.1:{syslog_udp.port}", facility: local3}}'
    database, rows = await deliver_one(handler, sqlite_url)
    assert rows[0]["state"] == "sent"
    line = (await syslog_udp.wait_for(1))[0].decode()
    match = RFC5424.match(line)
    assert match, line
    assert int(match["pri"]) == 19 * 8 + 3  # local3, error
    assert 'channel="site.site000.web"' in match["sd"] and match["msg"].startswith("site000/web is error")
    database.close()


async def test_event_arrives_with_octet_counting_over_tcp(sqlite_url: str) -> None:
    received: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.read())
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    database, rows = await deliver_one(f'{{kind: syslog, address: "tcp://127.0.0.1:{port}"}}', sqlite_url)
    async with asyncio.timeout(5):
        while not received:
            await asyncio.sleep(0.01)
    server.close()
    length, _, frame = received[0].partition(b" ")
    assert int(length) == len(frame) and frame.startswith(b"<27>1 ")  # daemon, error
    assert rows[0]["state"] == "sent"
    database.close()


async def test_event_arrives_on_a_unix_datagram_socket(sqlite_url: str, tmp_path: object) -> None:
    import socket
    from pathlib import Path

    path = Path(str(tmp_path)) / "log.sock"
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(str(path))
    receiver.settimeout(5)
    try:
        database, rows = await deliver_one(f'{{kind: syslog, address: "unix://{path}"}}', sqlite_url)
        line = (await asyncio.to_thread(receiver.recv, 65536)).decode()
    finally:
        receiver.close()
    assert rows[0]["state"] == "sent"
    match = RFC5424.match(line)
    assert match, line
    assert match["msg"].startswith("site000/web is error")
    database.close()
