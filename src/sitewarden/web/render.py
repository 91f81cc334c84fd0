"""Jinja2 set-up for the pages: template folder, filters for times, durations and statuses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from sitewarden.results import Status, utcnow
from sitewarden.web.charts import history_chart, sparkline

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES), context_processors=[_request_globals])
    env = templates.env
    env.autoescape = True
    env.filters.update(
        ago=ago,
        ms=milliseconds,
        pct=percent,
        status_name=status_name,
        sparkline=sparkline,
        history_chart=history_chart,
        when=when,
    )
    env.globals["query"] = query_string
    return templates


def _request_globals(request: Request) -> dict[str, Any]:
    """The signed-in user and the session's CSRF token, for the header and every form."""
    state = request.scope.get("state", {})
    session = state.get("session") or {}
    context = request.app.state.web
    return {"user": state.get("principal"), "csrf": session.get("csrf", ""), "demo": context.demo}


def status_name(value: int | None) -> str:
    return Status(value).label if value is not None else "pending"


def ago(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    seconds = (utcnow() - moment).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            text = f"{int(seconds // size)}{unit}"
            break
    else:
        text = f"{int(seconds)}s"
    return f"in {text}" if future else f"{text} ago"


def when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC" if moment is not None else ""


def milliseconds(value: float | None) -> str:
    return f"{value:.0f} ms" if value is not None else "–"


def percent(value: float | None) -> str:
    if value is None:
        return "–"
    if value <= 0:
        return "0%"
    return f"{value * 100:.2f}%" if value < 1 else "100%"


def query_string(base: dict[str, Any], **changes: Any) -> str:
    """The current filters with some changed, as `?a=b`; empty values are dropped."""
    merged = {**base, **changes}
    return "?" + urlencode({key: value for key, value in merged.items() if value not in (None, "")})
