"""What every inventory collector shares: the contract, one guarded request, JSON reading and secret redaction.

A collector is a probe (`probes.base.Probe`): same `run(params, ctx) -> Result` contract, same pool rules. Its
Result says whether collection worked; the snapshot travels in `result.attachments["inventory"]` to the
recorder, which stores it and turns differences into events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import Field, SecretStr

from sitewarden.durations import Size
from sitewarden.inventory.model import InventorySnapshot
from sitewarden.probes.base import ProbeContext, ProbeParams
from sitewarden.results import Metric, Result, Status
from sitewarden.secrets import forms, redact
from sitewarden.strict_json import JsonRejected, loads_strict
from sitewarden.transport.http import HttpFailure, HttpRequest, HttpResponse
from sitewarden.transport.options import HttpOptions

ATTACHMENT = "inventory"
DEFAULT_INVENTORY_BODY = 4 * 1024 * 1024


class CollectorParams(ProbeParams):
    """Fields every collector has: HTTP options over the site's and a body cap."""

    http: HttpOptions | None = Field(default=None, description="HTTP options for this check over the site's.")
    max_body: Size = Field(default=DEFAULT_INVENTORY_BODY, gt=0, description="Largest response to read (e.g. 4MiB).")


@dataclass(slots=True)
class Redactor:
    """The secrets one collector sends, bound to the one redaction (`sitewarden.secrets.redact`)."""

    secrets: tuple[str, ...] = ()

    @classmethod
    def of(cls, *values: SecretStr | str | None) -> Redactor:
        return cls(forms(*values))

    def text(self, text: str) -> str:
        return redact(text, self.secrets)

    def url(self, url: str) -> str:
        """A URL safe to show: `secret=**********`, no password, and no secret anywhere else in it."""
        return redact(url, self.secrets)


async def fetch(ctx: ProbeContext, request: HttpRequest, redactor: Redactor) -> HttpResponse | Result:
    """Send one request; a failure comes back as an error Result whose text carries no secret."""
    ctx.debug(f"{request.method} {redactor.url(request.url)}")
    try:
        response = await ctx.http.request(request)
    except HttpFailure as failure:
        ctx.debug(f"failed in phase {failure.phase}: {redactor.text(failure.message)}")
        return Result(
            Status.ERROR,
            redactor.text(failure.message),
            metrics=timing_metrics(failure),
            details={"url": redactor.url(request.url), "failure": failure.kind.value, "phase": failure.phase},
        )
    ctx.debug(f"status {response.status}, {response.body_bytes} bytes, redirects {len(response.redirects)}")
    return response


def timing_metrics(source: HttpResponse | HttpFailure) -> list[Metric]:
    total = source.timings.total_ms
    return [Metric("total_ms", round(total, 3), "ms")] if total is not None else []


def looks_like_html(response: HttpResponse) -> bool:
    if response.content_type in ("text/html", "application/xhtml+xml"):
        return True
    head = response.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def read_json(response: HttpResponse) -> tuple[Any, str | None]:
    """The decoded JSON body, or None and the reason it is not JSON (one line, for a summary)."""
    if not response.body.strip():
        return None, "empty response"
    if looks_like_html(response):
        return None, "HTML page instead of JSON" + (f" ({_title(response)})" if _title(response) else "")
    try:
        return loads_strict(response.text()), None
    except JsonRejected as exc:
        return None, f"malformed JSON ({str(exc).split(':')[0]})"


def _title(response: HttpResponse) -> str:
    match = re.search(rb"<title[^>]*>(.*?)</title>", response.body[:65536], re.IGNORECASE | re.DOTALL)
    if match is None:
        return ""
    text = re.sub(r"\s+", " ", match.group(1).decode("utf-8", errors="replace")).strip()
    return f"title '{text[:80]}'" if text else ""


def snapshot_result(
    status: Status,
    summary: str,
    snapshot: InventorySnapshot,
    metrics: Iterable[Metric] = (),
    details: dict[str, Any] | None = None,
) -> Result:
    """A Result carrying a snapshot for the recorder, with the snapshot's headline facts in the details."""
    facts = {
        key: value
        for key, value in (
            ("cms", snapshot.cms),
            ("cms_version", snapshot.cms_version),
            ("php_version", snapshot.php_version),
            ("database", " ".join(x for x in (snapshot.database_kind, snapshot.database_version) if x) or None),
            ("components", len(snapshot.components)),
        )
        if value is not None
    }
    return Result(
        status,
        summary,
        metrics=list(metrics),
        details={**facts, **(details or {})},
        attachments={ATTACHMENT: snapshot},
    )


def parse_database(text: str | None) -> tuple[str | None, str | None]:
    """Kind and version from a server version string: `10.11.6-MariaDB`, `5.5.5-10.6.12-MariaDB-log`, `8.0.35`."""
    if not text or not str(text).strip():
        return None, None
    value = str(text).strip()
    lower = value.lower()
    numbers = re.findall(r"\d+(?:\.\d+)+", value)
    if "mariadb" in lower:
        # MariaDB before 11 prefixes its version with 5.5.5- for old MySQL clients.
        real = [n for n in numbers if n != "5.5.5"] or numbers
        return "mariadb", real[0] if real else None
    if "postgres" in lower:
        return "postgresql", numbers[0] if numbers else None
    if "sqlite" in lower:
        return "sqlite", numbers[0] if numbers else None
    match = re.match(r"^\d+(?:\.\d+)*", value)
    return "mysql", match.group(0) if match else (numbers[0] if numbers else None)


def clean_version(value: Any) -> str | None:
    """A version string as a site reports it, or None for empty or non-text values."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text[:100] if text else None
