"""Email over SMTP (plain, STARTTLS or TLS, with optional login), as text with an HTML alternative."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal

from pydantic import Field

from sitewarden.errors import DeliveryError
from sitewarden.events.handlers.base import Handler, HandlerContext, HandlerParams
from sitewarden.events.message import Message
from sitewarden.events.smtp import SmtpConfig


class EmailParams(HandlerParams):
    """Email: one mail per message, text and HTML, through the `smtp` server."""

    kind: Literal["email"] = "email"
    to: list[str] = Field(min_length=1, description="Recipient addresses.")
    cc: list[str] = Field(default_factory=list, description="Copy recipients.")


class EmailHandler(Handler):
    """Email through the configured SMTP server."""

    kind = "email"
    params = EmailParams

    async def send(self, params: EmailParams, message: Message, ctx: HandlerContext) -> None:
        if ctx.smtp is None:
            raise DeliveryError("no smtp server is configured for email", permanent=True)
        mail = build_mail(ctx.smtp, params.to, params.cc, message, ctx.hostname)
        await asyncio.to_thread(send_mail, ctx.smtp, mail)


def build_mail(smtp: SmtpConfig, to: list[str], cc: list[str], message: Message, hostname: str) -> EmailMessage:
    """A MIME mail with the text body and the HTML body as its alternative, then the attachments (multipart/mixed)."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = smtp.from_address
    mail["To"] = ", ".join(to)
    if cc:
        mail["Cc"] = ", ".join(cc)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid("sitewarden", domain=hostname or "localhost")
    mail["Auto-Submitted"] = "auto-generated"
    if message.target:
        mail["X-Sitewarden-Target"] = message.target
    mail.set_content(message.text)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mail.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return mail


def send_mail(smtp: SmtpConfig, mail: EmailMessage) -> None:
    """Deliver one mail (blocking; run it in a thread); SMTP failures become DeliveryError."""
    where = f"{smtp.host}:{smtp.effective_port}"
    context = _tls_context(smtp)
    try:
        client: smtplib.SMTP
        if smtp.security == "tls":
            client = smtplib.SMTP_SSL(smtp.host, smtp.effective_port, timeout=smtp.timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.effective_port, timeout=smtp.timeout)
        with client:
            client.ehlo()
            if smtp.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if smtp.username:
                password = smtp.password.get_secret_value() if smtp.password else ""
                client.login(smtp.username, password)
            client.send_message(mail)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"SMTP server {where} refused the login: {exc.smtp_code}", permanent=True) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(sorted(exc.recipients))
        raise DeliveryError(f"SMTP server {where} refused the recipients {refused}", permanent=True) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        permanent = 500 <= exc.smtp_code < 600
        raise DeliveryError(f"SMTP server {where} answered {exc.smtp_code} {text}", permanent=permanent) from None
    except ssl.SSLCertVerificationError as exc:
        reason = exc.verify_message or exc.reason or "verification failed"
        raise DeliveryError(f"SMTP server {where} certificate: {reason}", permanent=True) from None
    except (smtplib.SMTPException, OSError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise DeliveryError(f"cannot send mail through {where}: {reason}") from None


def _tls_context(smtp: SmtpConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(smtp.ca_file) if smtp.ca_file else None)
    if not smtp.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
