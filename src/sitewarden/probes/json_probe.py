"""JSON endpoints judged by rules: health documents, status APIs, queue and replication figures."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field

from sitewarden.durations import Size
from sitewarden.probes.base import Probe, ProbeContext, ProbeParams, merged_http_options, resolve_url
from sitewarden.probes.http import StatusRanges, format_status_ranges, send_request, timing_metrics
from sitewarden.probes.json_rules import RuleSets, Verdict, as_number, format_path
from sitewarden.results import FAILURE_KEY, FailureClass, Metric, Result, Status
from sitewarden.strict_json import JsonRejected, loads_strict
from sitewarden.transport.http import DEFAULT_MAX_BODY, HttpRequest
from sitewarden.transport.options import HttpOptions

MAX_RULES_IN_DETAILS = 50


class JsonParams(ProbeParams):
    """Fetch a JSON document and judge values at paths by regular expression, interval, existence or length."""

    kind: Literal["json"] = "json"
    url: str | None = Field(
        default=None, description="Absolute URL, or a path below the site's URL; default the site URL."
    )
    method: Literal["GET", "POST"] = Field(default="GET", description="Request method.")
    body: str | None = Field(default=None, description="Request body (for POST), e.g. a JSON query.")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra request headers for this check.")
    expect_status: StatusRanges = Field(
        default_factory=lambda: [(200, 299)], description="Accepted status codes: 200, 200-299, 2xx, or a list."
    )
    rules: RuleSets = Field(
        default_factory=RuleSets,
        description="Rules per status: `{error: ['status: ^fail$'], warning: ['latency: >500'], ok: [...]}`.",
    )
    max_body: Size = Field(default=DEFAULT_MAX_BODY, gt=0, description="Largest document to read (e.g. 1MiB).")
    http: HttpOptions | None = Field(default=None, description="HTTP options for this check over the site's.")


class JsonProbe(Probe[JsonParams]):
    """JSON document with rules per status."""

    kind = "json"
    params = JsonParams
    pool = "network"
    site_relative_url = True

    async def run(self, params: JsonParams, ctx: ProbeContext) -> Result:
        request = HttpRequest(
            url=resolve_url(params.url, ctx.site),
            method=params.method,
            headers={"Accept": "application/json", **params.headers},
            body=params.body.encode() if params.body is not None else None,
            options=merged_http_options(ctx.http_options, params.http),
            max_body=params.max_body,
            timeout=ctx.timeout,
        )
        response = await send_request(request, ctx)
        if isinstance(response, Result):
            return response
        metrics = timing_metrics(response.timings)
        details: dict[str, Any] = {"url": response.url, "status_code": response.status}
        if not any(low <= response.status <= high for low, high in params.expect_status):
            expected = ", ".join(str(x) for x in format_status_ranges(params.expect_status))
            details[FAILURE_KEY] = FailureClass.HTTP_STATUS.value
            return Result(Status.ERROR, f"status {response.status}, expected {expected}", metrics, details)
        try:
            document = loads_strict(response.text())
        except JsonRejected as exc:
            ctx.debug(f"body starts with {response.body[:80]!r}")
            details[FAILURE_KEY] = FailureClass.CONTENT.value
            return Result(Status.ERROR, f"body is not JSON: {exc}", metrics, details)
        verdict = params.rules.judge(document)
        metrics.extend(rule_metrics(verdict))
        details["rules"] = [
            {"set": name, "rule": outcome.rule.text, "held": outcome.held, "found": outcome.found}
            | ({"value": outcome.value} if outcome.found and _small(outcome.value) else {})
            for name, outcome in verdict.outcomes[:MAX_RULES_IN_DETAILS]
        ]
        return Result(verdict.status, verdict.summary(), metrics, details).classify(FailureClass.CONTENT)


def rule_metrics(verdict: Verdict) -> list[Metric]:
    """Numbers that interval rules looked at, named by their path, once each."""
    metrics: dict[str, Metric] = {}
    for _, outcome in verdict.outcomes:
        if outcome.rule.test != "interval" or not outcome.found:
            continue
        number = as_number(outcome.value)
        name = format_path(outcome.rule.path)
        if number is not None and name not in metrics:
            metrics[name] = Metric(name, number)
    return list(metrics.values())


def _small(value: Any) -> bool:
    return not isinstance(value, dict | list) or len(json.dumps(value)) <= 200
