"""Email handler: params, headers and both bodies received by aiosmtpd, STARTTLS with login, refused login."""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme
from pydantic import ValidationError

from sitewarden.events.handlers.email_handler import EmailParams
from tests.events.handlers.delivery_kit import deliver_one
from tests.fixtures.receivers import SmtpServer


def test_email_needs_a_recipient() -> None:
    with pytest.raises(ValidationError):
        EmailParams.model_validate({"kind": "email", "to": []})


async def test_mail_has_headers_and_text_and_html_bodies(sqlite_url: str, smtp_server: SmtpServer) -> None:
    smtp = f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, security: none, from: monitor@example.org}}"
    database, rows = await deliver_one("{kind: email, to: [ops@example.org], cc: [boss@example.org]}", sqlite_url, smtp)
    assert rows[0]["state"] == "sent"
    assert len(smtp_server.mails) == 1
    mail = smtp_server.mails[0]
    assert mail["Subject"] == "[sitewarden] ERROR site000/web is error (was ok): status 503"
    assert (mail["From"], mail["To"], mail["Cc"]) == ("monitor@example.org", "ops@example.org", "boss@example.org")
    assert mail["Auto-Submitted"] == "auto-generated" and mail["X-Sitewarden-Target"] == "ops"
    assert sorted(smtp_server.envelopes[0].rcpt_tos) == ["boss@example.org", "ops@example.org"]
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and "site000/web is error" in text.get_content()
    assert html is not None and "<table" in html.get_content() and "site000/web is error" in html.get_content()
    database.close()


async def test_mail_goes_through_starttls_with_login(
    sqlite_url: str, smtp_starttls_server: SmtpServer, tls_ca: trustme.CA, tmp_path: Path
) -> None:
    ca_file = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(ca_file))
    smtp = (
        f"smtp: {{host: 127.0.0.1, port: {smtp_starttls_server.port}, security: starttls, username: monitor,"
        f" password: s3cret-pass, ca_file: '{ca_file}'}}"
    )
    database, rows = await deliver_one("{kind: email, to: [ops@example.org]}", sqlite_url, smtp)
    assert rows[0]["state"] == "sent"
    assert smtp_starttls_server.logins == ["monitor"] and len(smtp_starttls_server.mails) == 1
    database.close()
