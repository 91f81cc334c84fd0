"""CMS Health Check JSON (after draft-inadarei-api-health-check) and plain IETF health, in each transport flavour.

The format's documents and implementations disagree on transport, so each is a named flavour:
- `proposal`: the 2024 proposal, HTTPS `POST` with the token (sent as `Authorization: Bearer`).
- `spec`: the published text, `GET` with `Authorization: Bearer <token>` and an optional `names[]` filter.
- `typo3`: the TYPO3 Reactions implementation, `POST /typo3/reaction/<uuid>` with `x-api-key: <token>`.
- `wordpress`: the WordPress plugins, `GET /wp-json/...`, the token raw in `Authorization`, or none.
- `ietf`: any `application/health+json` (or `{"status": "UP"}`) endpoint by `GET`, token optional.
The shipped schema and the prose disagree on required fields and on `observedValue`'s type, so a document that
breaks only the schema is accepted with a warning naming the violation.

`mode: push` turns the check around for sites behind firewalls: the site POSTs its document to
`/push/<site>/<check>` with the check's token, the web app keeps the latest one, and each run judges it here exactly
as a fetched one; no push within `period + grace` is `error`, as for a heartbeat.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from pydantic import ConfigDict, Field, SecretStr, ValidationInfo, field_validator, model_validator

from sitewarden.durations import Duration, format_duration
from sitewarden.inventory.base import CollectorParams, Redactor, fetch, read_json, snapshot_result, timing_metrics
from sitewarden.inventory.health_document import HealthDocument, parse_document, snapshot_from_document
from sitewarden.probes.base import DocumentPush, Probe, ProbeContext, ProbeParams, merged_http_options, resolve_url
from sitewarden.results import FailureClass, Metric, Result, Status, worst
from sitewarden.secrets import Secret
from sitewarden.strict_json import JsonRejected, loads_strict
from sitewarden.transport.http import HttpRequest, HttpResponse

Flavour = Literal["proposal", "spec", "typo3", "wordpress", "ietf"]
Mode = Literal["pull", "push"]
PUSH_FLAVOURS = frozenset({"spec", "ietf"})
"""What a pushed document is read as: a CMS Health Check document (schema-checked) or any IETF health document."""
DEFAULT_PATHS: dict[str, str] = {
    "proposal": "health-checks",
    "spec": "health-checks",
    "wordpress": "wp-json/cms-health/v1/health",
    "ietf": "health",
}
TOKEN_REQUIRED = frozenset({"proposal", "spec", "typo3"})
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def token_problem(token: str) -> str | None:
    """Why a token is too weak for the format's rule (16+ characters, upper and lower case, digits), or None."""
    if len(token) < 16:
        return "the token must be at least 16 characters long"
    missing = [
        name
        for name, present in (
            ("an upper-case letter", any(c.isupper() for c in token)),
            ("a lower-case letter", any(c.islower() for c in token)),
            ("a digit", any(c.isdigit() for c in token)),
        )
        if not present
    ]
    return "the token must contain " + ", ".join(missing) if missing else None


def push_token_problem(token: str) -> str | None:
    """Why a push token is too weak (16+ characters from three of: lower, upper, digits, symbols), or None."""
    if len(token) < 16:
        return "the token must be at least 16 characters long"
    groups = (
        any(c.islower() for c in token),
        any(c.isupper() for c in token),
        any(c.isdigit() for c in token),
        any(not c.isalnum() for c in token),
    )
    if sum(groups) < 3:
        return "the token must mix at least three of: lower-case letters, upper-case letters, digits, symbols"
    return None


class CmsHealthParams(CollectorParams):
    """CMS Health Check or IETF health JSON: status, checks as sub-results and metrics, versions as inventory."""

    model_config = ConfigDict(hide_input_in_errors=True)

    kind: Literal["cms_health"] = "cms_health"
    flavour: Flavour = Field(default="spec", description="Transport: proposal, spec, typo3, wordpress or ietf.")
    mode: Mode = Field(
        default="pull",
        description="pull: sitewarden fetches the document; push: the site POSTs it to /push/SITE/CHECK.",
    )
    period: Duration | None = Field(default=None, gt=0, description="Push mode: how often the site pushes, e.g. 5m.")
    grace: Duration = Field(default=600.0, ge=0, description="Push mode: how late a push may be before `error`.")
    url: str | None = Field(
        default=None,
        description="Endpoint, absolute or below the site URL; default per flavour (spec: health-checks).",
    )
    token: Secret | None = Field(default=None, description="Access token; `${ENV_VAR}` or `file:/path`.")
    reaction: str | None = Field(default=None, description="TYPO3 reaction UUID (flavour typo3).")
    names: list[str] = Field(default_factory=list, description="Only these checks (names[] filter, flavour spec).")
    allow_http: bool = Field(default=False, description="Allow sending the token over plain http://.")

    @field_validator("token")
    @classmethod
    def _strong_token(cls, token: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """A weak token is an error on the token's own path; push tokens mix three character groups."""
        if token is None:
            return None
        judge = push_token_problem if info.data.get("mode") == "push" else token_problem
        problem = judge(token.get_secret_value())
        if problem is not None:
            raise ValueError(problem)
        return token

    @model_validator(mode="after")
    def _consistent(self) -> CmsHealthParams:
        if self.mode == "push":
            return self._push_consistent()
        if self.token is None and self.flavour in TOKEN_REQUIRED:
            raise ValueError(f"flavour {self.flavour} needs a 'token'")
        if self.flavour == "typo3":
            if self.reaction is None and self.url is None:
                raise ValueError("flavour typo3 needs 'reaction' (the reaction's UUID) or a 'url'")
            if self.reaction is not None and not _UUID.match(self.reaction):
                raise ValueError(f"'{self.reaction}' is not a reaction UUID")
        if self.url is not None and self.url.startswith("http://"):
            self._refuse_plain_http(self.url)
        return self

    def _push_consistent(self) -> CmsHealthParams:
        if self.token is None:
            raise ValueError("mode push needs a 'token' (the site sends it as Authorization: Bearer)")
        if self.period is None:
            raise ValueError("mode push needs a 'period' (how often the site pushes, e.g. 5m)")
        if self.flavour not in PUSH_FLAVOURS:
            raise ValueError("mode push reads flavour spec (CMS Health Check) or ietf (any health document)")
        return self

    def check_site(self, site: Any) -> None:
        """A token must not travel over the site's plain http:// URL unless allowed."""
        if self.mode == "push":
            return
        if self.url is None or not self.url.startswith(("http://", "https://")):
            self._refuse_plain_http(str(site.url))

    def _refuse_plain_http(self, url: str) -> None:
        if self.token is not None and not self.allow_http and url.startswith("http://"):
            raise ValueError("refusing to send the token over plain http://; use https:// or set allow_http: true")

    def endpoint(self) -> str:
        """The check's `url`, else the flavour's default path (resolved below the site URL)."""
        if self.url is not None:
            return self.url
        if self.flavour == "typo3":
            return f"typo3/reaction/{self.reaction}"
        return DEFAULT_PATHS[self.flavour]


class CmsHealthCollector(Probe[CmsHealthParams]):
    """Reads a CMS Health Check (or IETF health) document: overall status, each check, and the versions it names."""

    kind = "cms_health"
    params = CmsHealthParams
    pool = "network"
    site_relative_url = True
    import_name = "health"
    import_columns = ("token", "flavour")

    @classmethod
    def document_push(cls, params: ProbeParams) -> DocumentPush | None:
        assert isinstance(params, CmsHealthParams)
        if params.mode != "push" or params.token is None or params.period is None:
            return None
        return DocumentPush(params.token.get_secret_value(), params.period, params.grace, params.flavour)

    async def run(self, params: CmsHealthParams, ctx: ProbeContext) -> Result:
        if params.mode == "push":
            return await judge_pushed(params, ctx)
        url = resolve_url(params.endpoint(), ctx.site)
        token = params.token.get_secret_value() if params.token is not None else None
        redactor = Redactor.of(token)
        if token is not None and url.startswith("http://") and not params.allow_http:
            return Result(Status.ERROR, "refusing to send the token over plain http://", details={"url": url})
        request = build_request(params, url, token, ctx)
        outcome = await fetch(ctx, request, redactor)
        if isinstance(outcome, Result):
            return outcome
        return judge(outcome, params, redactor, ctx, token_sent=token is not None)


def build_request(params: CmsHealthParams, url: str, token: str | None, ctx: ProbeContext) -> HttpRequest:
    """Method, headers and query of the flavour; a token-bearing request never follows redirects."""
    headers = {"Accept": "application/health+json, application/json;q=0.9"}
    method, body = "GET", None
    if params.flavour in ("proposal", "typo3"):
        method, body = "POST", b"{}"
        headers["Content-Type"] = "application/json"
    if token is not None:
        if params.flavour == "typo3":
            headers["x-api-key"] = token
        elif params.flavour == "wordpress":
            headers["Authorization"] = token
        else:
            headers["Authorization"] = f"Bearer {token}"
    if params.names and params.flavour == "spec":
        query = "&".join(f"names%5B%5D={quote(name, safe='')}" for name in params.names)
        url = f"{url}{'&' if urlsplit(url).query else '?'}{query}"
    return HttpRequest(
        url=url,
        method=method,
        headers=headers,
        body=body,
        options=merged_http_options(ctx.http_options, params.http),
        follow_redirects=token is None,
        max_body=params.max_body,
        timeout=ctx.timeout,
    )


def judge(
    response: HttpResponse, params: CmsHealthParams, redactor: Redactor, ctx: ProbeContext, *, token_sent: bool
) -> Result:
    """The response as a Result: HTTP-level failures first, then the document's own status and checks."""
    metrics = timing_metrics(response)
    details: dict[str, Any] = {"url": redactor.url(response.url), "status_code": response.status}
    if response.redirects:
        details["redirects"] = [redactor.url(url) for url in response.redirects]

    def failed(summary: str) -> Result:
        return Result(Status.ERROR, redactor.text(summary), metrics=metrics, details=details)

    code = response.status
    if code in (401, 403):
        if token_sent:
            return failed(f"token refused (status {code})")
        return failed(f"access refused (status {code}): this endpoint needs a token")
    if 300 <= code < 400:
        where = response.header("location") or "?"
        return failed(f"status {code}, redirected to {redactor.url(where)[:200]} (a login page?)")
    if code == 404:
        return failed("status 404: no health endpoint at this URL")
    data, problem = read_json(response)
    if problem is not None:
        after = f" after a redirect to {redactor.url(response.url)}" if response.redirects else ""
        prefix = f"status {code}, " if code >= 400 else ""
        return failed(f"{prefix}{problem}{after}").classify(FailureClass.CONTENT)
    validate = params.flavour != "ietf"
    document = parse_document(data, schema_violations(data) if validate else [])
    if isinstance(document, str):
        return failed(f"malformed data: {document}")
    return document_result(document, params, ctx, metrics, details, code, response.header("server"))


def document_result(
    document: HealthDocument,
    params: CmsHealthParams,
    ctx: ProbeContext,
    metrics: list[Any],
    details: dict[str, Any],
    code: int = 200,
    server: str | None = None,
) -> Result:
    """A health document judged: its status, each check, its metrics and the inventory it names."""
    statuses = [document.status, *(entry.status for entry in document.entries if entry.status is not None)]
    notes: list[str] = []
    if code >= 400 and document.status is Status.OK:
        statuses.append(Status.ERROR)
        notes.append(f"status {code} though the document says {document.raw_status}")
    if document.violations:
        statuses.append(Status.WARNING)
        notes.append(f"schema: {document.violations[0]}")
        details["schema_violations"] = document.violations[:20]
    status = worst(statuses)
    metrics.extend(document.metrics())
    details["health_status"] = document.raw_status
    details["checks"] = [entry.as_dict() for entry in document.entries[:200]]
    if document.service_id:
        details["service_id"] = document.service_id[:200]
    snapshot = snapshot_from_document(document, params.flavour, ctx.clock(), server)
    problems = [entry for entry in document.entries if entry.status in (Status.WARNING, Status.ERROR)]
    problems.sort(key=lambda entry: -(entry.status or Status.OK).severity_rank)
    summary = f"{document.raw_status}: {len(document.entries)} checks"
    if problems:
        first = problems[0]
        summary += f", {len(problems)} not passing; {first.name} {first.raw_status}"
        if first.output:
            summary += f": {first.output[:120]}"
    if snapshot.cms_version:
        summary += f"; {snapshot.cms or 'version'} {snapshot.cms_version}"
    if notes:
        summary += "; " + "; ".join(notes)
    return snapshot_result(status, summary, snapshot, metrics, details)


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    text = resources.files("sitewarden.inventory").joinpath("health-check-schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_violations(data: Any) -> list[str]:
    """Every way a document breaks the shipped CMS Health Check schema, as `path: message` lines."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(_schema())
    found = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
        found.append(f"{path.lstrip('.') or '(document)'}: {_short(error.message)}")
    return found


def _short(message: str) -> str:
    return message if len(message) <= 160 else message[:157] + "..."


def read_pushed(body: bytes, flavour: str) -> tuple[HealthDocument | None, str | None]:
    """A pushed body as a health document, or the reason it is refused (bad JSON; for `spec`, any schema violation).

    A pushed document is held to the schema (a pulled one only gets a warning): the site's own push script can
    be fixed, and a 400 with the reason tells its author what to fix.
    """
    try:
        data = loads_strict(body.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "the body is not UTF-8 text"
    except JsonRejected as exc:
        return None, f"malformed JSON ({str(exc).split(':')[0]})"
    violations = schema_violations(data) if flavour != "ietf" else []
    document = parse_document(data, violations)
    if isinstance(document, str):
        return None, f"not a health document: {document}"
    if violations:
        return None, f"schema: {violations[0]}"
    return document, None


async def judge_pushed(params: CmsHealthParams, ctx: ProbeContext) -> Result:
    """The latest pushed document, judged like a fetched one; overdue is `error`, a refused push `warning`."""
    reader = ctx.services.get("pushes")
    if reader is None:
        return Result(Status.UNKNOWN, "pushed documents cannot be read in this process")
    facts = await reader.facts(ctx.check_key)
    if facts is None:
        return Result(Status.UNKNOWN, "push check not registered yet; it is on the next start")
    now = ctx.clock()
    period, grace = facts.period, facts.grace
    expect = f"expected every {format_duration(period)}, grace {format_duration(grace)}"
    details: dict[str, Any] = {"mode": "push", "push_path": f"/push/{ctx.check_key}"}
    last = facts.received_at
    if last is not None:
        details["received_at"] = last.isoformat()
    waited = (now - (last or facts.created_at)).total_seconds()
    metrics = [Metric("since_push_s", round(max(waited, 0.0), 1), "s")] if last is not None else []
    if waited > period + grace:
        what = f"last push {_ago(waited)}" if last is not None else f"no push received since {_ago(waited)}"
        return Result(Status.ERROR, f"{what} ({expect})", metrics, details)
    if facts.problem is not None and (last is None or (facts.problem_at is not None and facts.problem_at >= last)):
        details["problem"] = facts.problem
        return Result(Status.WARNING, f"push refused: {facts.problem}", metrics, details).classify(FailureClass.CONTENT)
    if last is None or facts.body is None:
        return Result(Status.OK, f"waiting for the first push ({expect})", metrics, details)
    document, problem = read_pushed(facts.body.encode("utf-8"), params.flavour)
    if document is None:
        return Result(Status.WARNING, f"push refused: {problem}", metrics, details)
    return document_result(document, params, ctx, metrics, details)


def _ago(seconds: float) -> str:
    return "just now" if seconds < 1 else f"{format_duration(seconds)} ago"
