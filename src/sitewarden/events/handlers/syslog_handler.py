"""Syslog: one RFC 5424 line per event, over UDP, TCP (octet counting, RFC 6587) or a unix socket."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from sitewarden.errors import DeliveryError
from sitewarden.events.handlers.base import Handler, HandlerContext, HandlerParams
from sitewarden.events.message import Message, MessageItem

FACILITIES = {
    "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7, "uucp": 8,
    "cron": 9, "authpriv": 10, "ftp": 11, "local0": 16, "local1": 17, "local2": 18, "local3": 19, "local4": 20,
    "local5": 21, "local6": 22, "local7": 23,
}  # fmt: skip
SD_ID = "sitewarden@32473"


class SyslogParams(HandlerParams):
    """Syslog: RFC 5424 messages to a local or remote syslog server."""

    kind: Literal["syslog"] = "syslog"
    address: str = Field(default="unix:///dev/log", description="udp://host:514, tcp://host:514 or unix:///dev/log.")
    facility: str = Field(default="daemon", description="Syslog facility name (daemon, local0 … local7, …).")
    app_name: str = Field(default="sitewarden", pattern=r"^[!-~]{1,48}$", description="APP-NAME field.")

    @field_validator("address")
    @classmethod
    def _known_address(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme in ("udp", "tcp"):
            if not parts.hostname or parts.port is None:
                raise ValueError(f"'{value}' needs a host and a port, e.g. udp://127.0.0.1:514")
        elif parts.scheme != "unix" or not parts.path:
            raise ValueError(f"'{value}' is not a syslog address; use udp://host:port, tcp://host:port or unix:///path")
        return value

    @field_validator("facility")
    @classmethod
    def _known_facility(cls, value: str) -> str:
        if value not in FACILITIES:
            raise ValueError(f"'{value}' is not a syslog facility; use one of {', '.join(FACILITIES)}")
        return value


class SyslogHandler(Handler):
    """Syslog: RFC 5424 over UDP, TCP or a unix socket."""

    kind = "syslog"
    params = SyslogParams

    async def send(self, params: SyslogParams, message: Message, ctx: HandlerContext) -> None:
        lines = [format_line(params, item, ctx.hostname) for item in message.items]
        parts = urlsplit(params.address)
        try:
            if parts.scheme == "udp":
                await _send_udp(parts.hostname or "", parts.port or 514, lines)
            elif parts.scheme == "tcp":
                await _send_tcp(parts.hostname or "", parts.port or 514, lines)
            else:
                await asyncio.to_thread(_send_unix, parts.path, lines)
        except OSError as exc:
            raise DeliveryError(f"syslog {params.address}: {exc.strerror or exc}") from None


def format_line(params: SyslogParams, item: MessageItem, hostname: str) -> bytes:
    """One RFC 5424 message: PRI, version, timestamp, host, app, MSGID (event type), structured data, text."""
    event = item.event
    priority = FACILITIES[params.facility] * 8 + event.severity.syslog
    stamp = event.created_at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    fields = {
        "id": str(event.id or ""),
        "channel": event.channel,
        "type": event.type.value,
        "severity": event.severity.label,
        "notice": item.notice,
        "site": event.site or "",
        "check": event.check or "",
    }
    data = " ".join(f'{name}="{_sd_escape(value)}"' for name, value in fields.items() if value)
    host = (hostname or "-")[:255].replace(" ", "-")
    text = f"<{priority}>1 {stamp} {host} {params.app_name} - {event.type.value} [{SD_ID} {data}] {event.message}"
    return text.replace("\n", " ").encode("utf-8")


def _sd_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


async def _send_udp(host: str, port: int, lines: list[bytes]) -> None:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, remote_addr=(host, port))
    try:
        for line in lines:
            transport.sendto(line)
    finally:
        transport.close()


async def _send_tcp(host: str, port: int, lines: list[bytes]) -> None:
    _, writer = await asyncio.open_connection(host, port)
    try:
        for line in lines:
            writer.write(str(len(line)).encode() + b" " + line)
        await writer.drain()
    finally:
        writer.close()
        await writer.wait_closed()


def _send_unix(path: str, lines: list[bytes]) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(path)
        for line in lines:
            sock.send(line)
