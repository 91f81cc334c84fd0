"""Client and admin reports on demand (`sitewarden report`): open the store, render, and send when asked."""

from __future__ import annotations

from sitewarden.config.models import Config
from sitewarden.events.message import Message
from sitewarden.events.reports import admin_report, client_report
from sitewarden.store.database import open_database


def report_command(config: Config, kind: str, names: list[str] | None, *, send: bool) -> list[Message]:
    """`sitewarden report client|admin`: open the store, render, and send when asked."""
    database = open_database(config.store.url)
    try:
        if kind == "admin":
            return [admin_report(config, database, send=send)]
        return client_report(config, database, names, send=send)
    finally:
        database.close()
