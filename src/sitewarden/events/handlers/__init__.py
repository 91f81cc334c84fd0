"""The handler registry: kind → class. The config's handler union is derived from it."""

from __future__ import annotations

from sitewarden.events.handlers.apprise_handler import AppriseHandler
from sitewarden.events.handlers.base import Handler
from sitewarden.events.handlers.command import CommandHandler
from sitewarden.events.handlers.email_handler import EmailHandler
from sitewarden.events.handlers.file import FileHandler
from sitewarden.events.handlers.syslog_handler import SyslogHandler
from sitewarden.events.handlers.webhook import WebhookHandler
from sitewarden.registry import build_registry

HANDLERS: dict[str, type[Handler]] = build_registry(
    (EmailHandler, WebhookHandler, CommandHandler, SyslogHandler, FileHandler, AppriseHandler), "handler"
)
