"""The TYPO3 client protocol of the t3monitoring_client extension: core, PHP, database and extensions as JSON.

Request (as t3monitoring's ClientImport sends it): `GET {site}/index.php?eID=t3monitoring&secret=<rawurlencoded>`
with `Accept: application/json`, redirects followed. The client answers 200 with
`{"core": {"typo3Version", "phpVersion", "mysqlClientVersion", "diskTotalSpace", "diskFreeSpace",
"applicationContext"}, "extensions": {key: {EM_CONF..., "isLoaded": 0|1}}, "extra": {"info"|"warning"|"danger":
{label: message}}}`, or 403 with an empty body (or a debug text that echoes the secret we sent) when access is
refused. The secret travels in the URL, so every URL and text shown is redacted to `secret=**********`.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field

from sitewarden.inventory.base import (
    CollectorParams,
    Redactor,
    clean_version,
    fetch,
    looks_like_html,
    parse_database,
    read_json,
    snapshot_result,
    timing_metrics,
)
from sitewarden.inventory.model import Component, InventorySnapshot, Origin
from sitewarden.probes.base import Probe, ProbeContext, merged_http_options
from sitewarden.results import FailureClass, Metric, Result, Status
from sitewarden.transport.http import HttpRequest, HttpResponse

SOURCE = "typo3_client"


class Typo3ClientParams(CollectorParams):
    """TYPO3 inventory from the t3monitoring_client extension, authenticated by the site's `secret`."""

    kind: Literal["typo3_client"] = "typo3_client"
    path: str = Field(default="index.php", description="Script below the site URL that serves the eID request.")
    warn_on_danger: bool = Field(
        default=True, description="Warning when the site reports entries under extra.danger (TYPO3 reports)."
    )

    def check_site(self, site: Any) -> None:
        """The protocol cannot work without the site-level shared secret."""
        if site.secret is None or not site.secret.get_secret_value():
            raise ValueError("a typo3_client check needs the site's 'secret' (the t3monitoring_client secret)")


class Typo3ClientCollector(Probe[Typo3ClientParams]):
    """Asks the t3monitoring_client extension for TYPO3, PHP and database versions and the extension list."""

    kind = "typo3_client"
    params = Typo3ClientParams
    pool = "network"
    import_name = "inventory"

    async def run(self, params: Typo3ClientParams, ctx: ProbeContext) -> Result:
        site = ctx.site
        if site is None or site.secret is None or not site.secret.get_secret_value():
            return Result(Status.UNKNOWN, "no secret configured for the TYPO3 client protocol")
        redactor = Redactor.of(site.secret)
        base = site.url.rstrip("/")
        url = (
            f"{base}/{params.path.lstrip('/')}?eID=t3monitoring&secret={quote(site.secret.get_secret_value(), safe='')}"
        )
        request = HttpRequest(
            url=url,
            headers={"Accept": "application/json"},
            options=merged_http_options(ctx.http_options, params.http),
            max_body=params.max_body,
            timeout=ctx.timeout,
        )
        outcome = await fetch(ctx, request, redactor)
        if isinstance(outcome, Result):
            return outcome
        return judge(outcome, params, redactor, ctx)


def judge(response: HttpResponse, params: Typo3ClientParams, redactor: Redactor, ctx: ProbeContext) -> Result:
    """Turn the client's answer into a snapshot, or into the one-line reason it is not one."""
    metrics = timing_metrics(response)
    details: dict[str, Any] = {"url": redactor.url(response.url), "status_code": response.status}
    if response.redirects:
        details["redirects"] = [redactor.url(url) for url in response.redirects]

    def failed(summary: str, status: Status = Status.ERROR) -> Result:
        return Result(status, redactor.text(summary), metrics=metrics, details=details)

    if response.status == 403:
        said = response.text().strip().splitlines()[0][:200] if response.body.strip() else ""
        hint = f"; the site says: {redactor.text(said)}" if said and not looks_like_html(response) else ""
        return failed(f"access refused (status 403): wrong secret or this IP is not allowed{hint}")
    if response.status in (401, 407):
        return failed(f"authentication required (status {response.status}): check the site's basic_auth")
    if response.status == 404:
        return failed("status 404: the t3monitoring_client extension does not answer at this URL")
    if response.status != 200:
        return failed(f"status {response.status}, expected 200 from the TYPO3 client")
    data, problem = read_json(response)
    if problem is not None:
        where = f" after a redirect to {redactor.url(response.url)}" if response.redirects else ""
        return failed(f"{problem}{where}: is t3monitoring_client installed and the URL right?").classify(
            FailureClass.CONTENT
        )
    if isinstance(data, dict) and isinstance(data.get("error"), str) and "core" not in data:
        return failed(f"the TYPO3 client reports an error: {data['error'][:200]}")
    core = data.get("core") if isinstance(data, dict) else None
    if not isinstance(core, dict) or not clean_version(core.get("typo3Version")):
        return failed("malformed data: no core.typo3Version in the TYPO3 client's answer")
    snapshot, problems = build_snapshot(data, ctx, response)
    extensions = snapshot.components
    metrics.append(Metric("extensions", len(extensions)))
    metrics.append(Metric("extensions_loaded", sum(1 for item in extensions if item.active)))
    for name in ("diskFreeSpace", "diskTotalSpace"):
        value = core.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            metrics.append(Metric("disk_free_bytes" if name == "diskFreeSpace" else "disk_total_bytes", value, "B"))
    if problems:
        details["problems"] = problems[:20]
    danger = snapshot.extra.get("danger") or {}
    summary = f"TYPO3 {snapshot.cms_version}, PHP {snapshot.php_version or '?'}, {len(extensions)} extensions"
    status = Status.OK
    if danger and params.warn_on_danger:
        status = Status.WARNING
        first = next(iter(danger))
        summary += f"; {len(danger)} danger report(s), first: {first}"
    elif problems:
        summary += f"; {len(problems)} malformed entr{'y' if len(problems) == 1 else 'ies'} skipped"
    return snapshot_result(status, redactor.text(summary), snapshot, metrics, details)


def build_snapshot(
    data: dict[str, Any], ctx: ProbeContext, response: HttpResponse
) -> tuple[InventorySnapshot, list[str]]:
    """The client's JSON as a snapshot; returns the entries it had to skip, each as a one-line reason."""
    core = data["core"]
    origin = Origin(source=SOURCE, confidence=1.0, evidence=["t3monitoring_client JSON"])
    problems: list[str] = []
    components: list[Component] = []
    raw_extensions = data.get("extensions") or {}
    if not isinstance(raw_extensions, dict):
        problems.append("extensions is not an object")
        raw_extensions = {}
    for key, info in sorted(raw_extensions.items()):
        if not isinstance(info, dict):
            problems.append(f"extension {str(key)[:60]}: not an object")
            continue
        loaded = info.get("isLoaded")
        components.append(
            Component(
                kind="extension",
                key=str(key)[:200],
                version=clean_version(info.get("version")),
                active=bool(int(loaded)) if isinstance(loaded, int | str) and str(loaded).isdigit() else None,
                title=str(info["title"])[:300] if info.get("title") else None,
                origin=origin,
            )
        )
    database_kind, database_version = parse_database(core.get("mysqlClientVersion"))
    facts = {
        "cms": "typo3",
        "cms_version": clean_version(core.get("typo3Version")),
        "php_version": clean_version(core.get("phpVersion")),
        "database_kind": database_kind,
        "database_version": database_version,
        "web_server": response.header("server"),
    }
    origins = {name: origin for name, value in facts.items() if value}
    if facts["web_server"]:
        origins["web_server"] = Origin(source=SOURCE, confidence=0.9, evidence=["Server response header"])
    extra: dict[str, Any] = {}
    raw_extra = data.get("extra")
    if isinstance(raw_extra, dict):
        for level in ("info", "warning", "danger"):
            entries = raw_extra.get(level)
            if isinstance(entries, dict) and entries:
                extra[level] = {str(k)[:200]: str(v)[:1000] for k, v in list(entries.items())[:100]}
    context = core.get("applicationContext")
    if isinstance(context, str) and context:
        extra["application_context"] = context[:100]
    for name, label in (("diskTotalSpace", "disk_total_bytes"), ("diskFreeSpace", "disk_free_bytes")):
        value = core.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            extra[label] = value
    snapshot = InventorySnapshot(
        cms="typo3",
        cms_version=facts["cms_version"],
        cms_version_precision="exact",
        php_version=facts["php_version"],
        database_kind=database_kind,
        database_version=database_version,
        web_server=facts["web_server"],
        components=components,
        origins=origins,
        extra=extra,
        source=SOURCE,
        collected_at=ctx.clock(),
    )
    return snapshot, problems
