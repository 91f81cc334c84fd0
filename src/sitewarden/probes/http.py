"""HTTP(S) availability: status codes, keywords, a regular expression and response-time thresholds."""

from __future__ import annotations

import re
import time
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BeforeValidator, Field, PlainSerializer, model_validator

from sitewarden.durations import Duration, Size
from sitewarden.probes.base import Probe, ProbeContext, ProbeParams, merged_http_options, resolve_url
from sitewarden.probes.tls_certificates import certificate_facts
from sitewarden.results import FAILURE_KEY, FailureClass, Metric, Result, Status, utcnow
from sitewarden.transport.dialing import Timings
from sitewarden.transport.http import DEFAULT_MAX_BODY, HttpFailure, HttpRequest, HttpResponse
from sitewarden.transport.options import HttpOptions

StatusRange = tuple[int, int]
HEAD_REFUSED = (405, 501)  # servers that do not implement HEAD; the check falls back to GET once


def parse_status_ranges(value: Any) -> list[StatusRange]:
    """Accept `200`, `"200-299"`, `"2xx"` or a list of those; refuse anything outside 100–599."""
    items = value if isinstance(value, list) else [value]
    ranges: list[StatusRange] = []
    for item in items:
        if isinstance(item, bool):
            raise ValueError("expected a status code such as 200, a range such as 200-299, or 2xx")
        if isinstance(item, int):
            low = high = item
        elif isinstance(item, str) and re.fullmatch(r"\s*[1-5]xx\s*", item, re.IGNORECASE):
            low = int(item.strip()[0]) * 100
            high = low + 99
        elif isinstance(item, str) and re.fullmatch(r"\s*\d{3}\s*(-\s*\d{3}\s*)?", item):
            first, _, last = item.partition("-")
            low, high = int(first), int(last or first)
        elif isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(x, int) for x in item):
            low, high = item
        else:
            raise ValueError(f"'{item}' is not a status code, a range such as 200-299, or 2xx")
        if not (100 <= low <= high <= 599):
            raise ValueError(f"'{item}' is not a status range between 100 and 599")
        ranges.append((low, high))
    return ranges


def format_status_ranges(ranges: list[StatusRange]) -> list[str | int]:
    return [low if low == high else f"{low}-{high}" for low, high in ranges]


StatusRanges = Annotated[list[StatusRange], BeforeValidator(parse_status_ranges), PlainSerializer(format_status_ranges)]


class HttpParams(ProbeParams):
    """Request a URL and judge the status code, the body and the response time."""

    kind: Literal["http"] = "http"
    url: str | None = Field(
        default=None, description="Absolute URL, or a path below the site's URL; default the site URL."
    )
    method: Literal["GET", "HEAD", "POST", "PUT", "OPTIONS"] = Field(default="GET", description="Request method.")
    expect_status: StatusRanges = Field(
        default_factory=lambda: [(200, 299)], description="Accepted status codes: 200, 200-299, 2xx, or a list."
    )
    keyword: str | None = Field(default=None, description="Text the body must contain.")
    keyword_absent: str | None = Field(default=None, description="Text the body must not contain.")
    regex: re.Pattern[str] | None = Field(default=None, description="Regular expression the body must match.")
    warning_ms: float | None = Field(
        default=None,
        validation_alias=AliasChoices("warning_ms", "warn_ms"),
        description="Warning above this (ms).",
    )
    critical_ms: float | None = Field(
        default=None,
        validation_alias=AliasChoices("critical_ms", "crit_ms"),
        description="Error above this (ms).",
    )
    follow_redirects: bool = Field(default=True, description="Follow redirects (up to max_redirects).")
    max_redirects: int = Field(default=10, ge=0, le=30, description="Most redirects to follow.")
    max_body: Size = Field(default=DEFAULT_MAX_BODY, gt=0, description="Largest body to read (e.g. 1MiB).")
    connect_timeout: Duration | None = Field(default=None, description="Limit for the TCP connect alone.")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra request headers for this check.")
    body: str | None = Field(default=None, description="Request body (for POST and PUT).")
    http: HttpOptions | None = Field(default=None, description="HTTP options for this check over the site's.")
    cert_warning_days: float | None = Field(
        default=None, ge=0, description="Over HTTPS: warning when the certificate has fewer days left."
    )
    cert_critical_days: float | None = Field(
        default=None, ge=0, description="Over HTTPS: error when the certificate has fewer days left."
    )

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> HttpParams:
        if self.warning_ms is not None and self.critical_ms is not None and self.warning_ms > self.critical_ms:
            raise ValueError("warning_ms must not be larger than critical_ms")
        if (
            self.cert_warning_days is not None
            and self.cert_critical_days is not None
            and self.cert_critical_days > self.cert_warning_days
        ):
            raise ValueError("cert_critical_days must not be larger than cert_warning_days")
        if self.method == "HEAD" and self.needs_body:
            raise ValueError("a keyword or regex rule needs a body, and a HEAD request has none: use method GET")
        return self

    @property
    def needs_body(self) -> bool:
        return self.keyword is not None or self.keyword_absent is not None or self.regex is not None


class HttpProbe(Probe[HttpParams]):
    """HTTP(S) request with status, content and latency rules."""

    kind = "http"
    params = HttpParams
    pool = "network"
    site_relative_url = True
    import_name = "web"

    async def run(self, params: HttpParams, ctx: ProbeContext) -> Result:
        started = time.monotonic()
        request = HttpRequest(
            url=resolve_url(params.url, ctx.site),
            method=params.method,
            headers=params.headers,
            body=params.body.encode() if params.body is not None else None,
            options=merged_http_options(ctx.http_options, params.http),
            follow_redirects=params.follow_redirects,
            max_redirects=params.max_redirects,
            max_body=params.max_body,
            timeout=ctx.timeout,
            connect_timeout=params.connect_timeout,
            read_body=params.needs_body,
        )
        response = await send_request(request, ctx)
        fallback = False
        if params.method == "HEAD" and not isinstance(response, Result) and response.status in HEAD_REFUSED:
            ctx.debug(f"HEAD answered {response.status}: trying GET once")
            request.method = "GET"
            request.timeout = max(ctx.timeout - (time.monotonic() - started), 0.001)
            response = await send_request(request, ctx)
            fallback = True
        if isinstance(response, Result):
            result = response
        else:
            ctx.debug(f"status {response.status}, {response.body_bytes} bytes, redirects {response.redirects}")
            result = judge_response(params, response)
        if fallback:
            result.details["head_fallback"] = True
            result.summary += " (HEAD refused, GET used)"
        return result


async def send_request(request: HttpRequest, ctx: ProbeContext) -> HttpResponse | Result:
    """The response, or the error Result that names the failure class, phase and timings of what was reached."""
    ctx.debug(f"{request.method} {request.url}")
    try:
        return await ctx.http.request(request)
    except HttpFailure as failure:
        ctx.debug(f"failed in phase {failure.phase}: {failure.message}")
        details: dict[str, Any] = {"url": request.url, FAILURE_KEY: failure.kind.value, "phase": failure.phase}
        if failure.address:
            details["address"] = failure.address
        if failure.attempts:
            details["attempts"] = [{"address": address, "error": why} for address, why in failure.attempts]
        return Result(Status.ERROR, failure.message, metrics=timing_metrics(failure.timings), details=details)


def timing_metrics(timings: Timings) -> list[Metric]:
    metrics = []
    for name in ("dns_ms", "connect_ms", "tls_ms", "ttfb_ms", "total_ms"):
        value = getattr(timings, name)
        if value is not None:
            metrics.append(Metric(name, round(value, 3), "ms"))
    return metrics


def judge_response(params: HttpParams, response: HttpResponse) -> Result:
    """Apply the check's rules to a response, worst problem first in the summary."""
    total = response.timings.total_ms or 0.0
    metrics = timing_metrics(response.timings)
    metrics[-1] = Metric("total_ms", round(total, 3), "ms", params.warning_ms, params.critical_ms)
    metrics.append(Metric("status_code", response.status))
    metrics.append(Metric("bytes", response.body_bytes, "B"))
    details: dict[str, Any] = {"url": response.url, "status_code": response.status}
    if response.redirects:
        details["redirects"] = response.redirects
    if response.tls is not None:
        details["tls"] = {
            "version": response.tls.version,
            "cipher": response.tls.cipher,
            "resumed": response.tls.resumed,
        }

    if response.address:
        details["address"] = response.address
    if response.interim:
        details["interim_responses"] = response.interim

    def result(status: Status, summary: str, failure: FailureClass | None = None) -> Result:
        outcome = Result(status, summary, metrics=metrics, details=details)
        return outcome.classify(failure) if failure is not None else outcome

    if not any(low <= response.status <= high for low, high in params.expect_status):
        expected = ", ".join(str(x) for x in format_status_ranges(params.expect_status))
        return result(Status.ERROR, f"status {response.status}, expected {expected}", FailureClass.HTTP_STATUS)
    if params.needs_body:
        text = response.text()
        if params.keyword is not None and params.keyword not in text:
            return result(Status.ERROR, f"keyword '{params.keyword}' not found", FailureClass.CONTENT)
        if params.keyword_absent is not None and params.keyword_absent in text:
            return result(Status.ERROR, f"keyword '{params.keyword_absent}' found", FailureClass.CONTENT)
        if params.regex is not None and not params.regex.search(text):
            return result(Status.ERROR, f"no match for regex '{params.regex.pattern}'", FailureClass.CONTENT)
    certificate = judge_expiry(params, response)
    if certificate is not None and certificate[0] is Status.ERROR:
        return result(Status.ERROR, certificate[1], FailureClass.TLS_EXPIRY)
    took = f"{total:.0f} ms"
    if params.critical_ms is not None and total > params.critical_ms:
        summary = f"status {response.status} but slow: {took} (critical above {params.critical_ms:g} ms)"
        return result(Status.ERROR, summary, FailureClass.SLOW)
    if certificate is not None and certificate[0] is Status.WARNING:
        return result(Status.WARNING, certificate[1], FailureClass.TLS_EXPIRY)
    if params.warning_ms is not None and total > params.warning_ms:
        summary = f"status {response.status} but slow: {took} (warning above {params.warning_ms:g} ms)"
        return result(Status.WARNING, summary, FailureClass.SLOW)
    return result(Status.OK, f"status {response.status} in {took}")


def judge_expiry(params: HttpParams, response: HttpResponse) -> tuple[Status, str] | None:
    """Over HTTPS with cert_*_days set: (status, summary) when the server's certificate is close to its end."""
    if params.cert_warning_days is None and params.cert_critical_days is None:
        return None
    if response.tls is None or response.tls.peer_der is None:
        return None
    try:
        days = certificate_facts(response.tls.peer_der).days_left(utcnow())
    except ValueError:
        return None
    words = f"{int(days)} day{'s' if int(days) != 1 else ''}"
    if days < 0:
        return Status.ERROR, f"certificate expired {int(-days)} day{'s' if int(-days) != 1 else ''} ago"
    if params.cert_critical_days is not None and days < params.cert_critical_days:
        return Status.ERROR, f"certificate expires in {words} (critical below {params.cert_critical_days:g})"
    if params.cert_warning_days is not None and days < params.cert_warning_days:
        return Status.WARNING, f"certificate expires in {words} (warning below {params.cert_warning_days:g})"
    return None
