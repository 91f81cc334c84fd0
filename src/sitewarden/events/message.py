"""Messages: routed, grouped events rendered through Jinja2 templates that users may override."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape

from sitewarden import __version__
from sitewarden.events.model import Event, Severity

NOTICES = ("event", "reminder", "resumed")
"""Why an item is in a message: a new event, a reminder of a lasting problem, or a problem held back by maintenance."""


@dataclass(slots=True)
class MessageItem:
    """An event in a message, why it is there, and the severity handlers filter on (a recovery takes its problem's)."""

    event: Event
    notice: str = "event"
    severity: Severity | None = None

    @property
    def level(self) -> Severity:
        return self.severity if self.severity is not None else self.event.severity

    @property
    def recovery(self) -> bool:
        return bool(self.event.payload.get("recovery"))

    def as_dict(self) -> dict[str, Any]:
        return {**self.event.as_dict(), "notice": self.notice, "recovery": self.recovery}


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (the SLA PDF of a client report); handlers that cannot carry files ignore it."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass(slots=True)
class Message:
    """What a handler sends: subject, text and HTML bodies, and the items they were rendered from."""

    target: str
    subject: str
    text: str
    html: str
    items: list[MessageItem] = field(default_factory=list)
    id: str = ""
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def events(self) -> list[Event]:
        return [item.event for item in self.items]

    @property
    def severity(self) -> Severity:
        return max((item.event.severity for item in self.items), default=Severity.INFO)

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON body of webhook and command deliveries (docs/notifications.md)."""
        return {
            "sitewarden": __version__,
            "id": self.id,
            "target": self.target,
            "subject": self.subject,
            "severity": self.severity.label,
            "text": self.text,
            "counts": summary_counts(self.items),
            "events": [item.as_dict() for item in self.items],
        }


def summary_counts(items: list[MessageItem]) -> dict[str, int]:
    """How many problems, recoveries, reminders and other events a message holds."""
    counts: Counter[str] = Counter({"problems": 0, "recoveries": 0, "reminders": 0, "resumed": 0, "other": 0})
    for item in items:
        if item.notice == "reminder":
            counts["reminders"] += 1
        elif item.notice == "resumed":
            counts["resumed"] += 1
        elif item.recovery:
            counts["recoveries"] += 1
        elif item.event.severity >= Severity.WARNING:
            counts["problems"] += 1
        else:
            counts["other"] += 1
    return dict(counts)


def template_environment(user_dir: Path | None = None) -> Environment:
    """Templates from the user's directory first, then the packaged ones; HTML templates escape their values."""
    loaders: list[Any] = []
    if user_dir is not None:
        loaders.append(FileSystemLoader(str(user_dir)))
    loaders.append(PackageLoader("sitewarden.events", "templates"))
    environment = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment


def render_message(
    environment: Environment, kind: str, target: str, items: list[MessageItem], *, message_id: str = ""
) -> Message:
    """Render subject, text and HTML with the handler kind's templates (or the default ones)."""
    context = {
        "target": target,
        "items": items,
        "counts": summary_counts(items),
        "severity": max((item.event.severity for item in items), default=Severity.INFO),
        "version": __version__,
    }

    def render(part: str) -> str:
        template = environment.select_template([f"{kind}/{part}", f"default/{part}"])
        return template.render(context)

    subject = " ".join(render("subject.txt.j2").split())
    return Message(
        target=target,
        subject=subject,
        text=render("text.txt.j2"),
        html=render("html.html.j2"),
        items=items,
        id=message_id,
    )
