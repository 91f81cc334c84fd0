"""A mail server that refuses the login or the recipient: permanent failures, named, and never retried."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from email.message import EmailMessage

import pytest

from sitewarden.errors import DeliveryError
from sitewarden.events.handlers.email_handler import send_mail
from sitewarden.events.smtp import SmtpConfig


class RefusingSmtp:
    """A minimal SMTP peer on loopback that offers AUTH and refuses every login (535), or every recipient (550)."""

    def __init__(self, refuse: str) -> None:
        self.refuse = refuse
        self.commands: list[str] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 refusing.test ESMTP\r\n")
        while line := await reader.readline():
            command = line.decode().strip()
            self.commands.append(command.split(" ")[0].upper())
            verb = command.upper()
            if verb.startswith(("EHLO", "HELO")):
                writer.write(b"250-refusing.test\r\n250 AUTH PLAIN LOGIN\r\n")
            elif verb.startswith("AUTH"):
                writer.write(b"535 5.7.8 Authentication credentials invalid\r\n")
            elif verb.startswith("MAIL"):
                writer.write(b"250 2.1.0 Ok\r\n")
            elif verb.startswith("RCPT"):
                writer.write(b"550 5.1.1 No such user\r\n" if self.refuse == "recipient" else b"250 Ok\r\n")
            elif verb.startswith("QUIT"):
                writer.write(b"221 Bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 Ok\r\n")
            await writer.drain()
        writer.close()


@pytest.fixture
async def refusing_smtp(request: pytest.FixtureRequest) -> AsyncIterator[tuple[RefusingSmtp, int]]:
    peer = RefusingSmtp(request.param)
    server = await asyncio.start_server(peer.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield peer, port


def _mail() -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "sitewarden@localhost", "ops@example.org", "test"
    mail.set_content("hello")
    return mail


@pytest.mark.parametrize("refusing_smtp", ["login"], indirect=True)
async def test_a_refused_login_is_a_permanent_failure(refusing_smtp: tuple[RefusingSmtp, int]) -> None:
    peer, port = refusing_smtp
    smtp = SmtpConfig(host="127.0.0.1", port=port, security="none", username="mon", password="Wrong-Passw0rd")
    with pytest.raises(DeliveryError) as caught:
        await asyncio.to_thread(send_mail, smtp, _mail())
    assert caught.value.permanent
    assert str(caught.value) == f"SMTP server 127.0.0.1:{port} refused the login: 535"
    assert "Wrong-Passw0rd" not in str(caught.value)
    assert "AUTH" in peer.commands and "MAIL" not in peer.commands


@pytest.mark.parametrize("refusing_smtp", ["recipient"], indirect=True)
async def test_a_refused_recipient_is_a_permanent_failure(refusing_smtp: tuple[RefusingSmtp, int]) -> None:
    _, port = refusing_smtp
    smtp = SmtpConfig(host="127.0.0.1", port=port, security="none")
    with pytest.raises(DeliveryError) as caught:
        await asyncio.to_thread(send_mail, smtp, _mail())
    assert caught.value.permanent
    assert str(caught.value) == f"SMTP server 127.0.0.1:{port} refused the recipients ops@example.org"
