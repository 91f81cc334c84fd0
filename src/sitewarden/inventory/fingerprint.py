"""Agentless fingerprints: which CMS (WordPress, Drupal, Joomla, TYPO3) and version a site shows the public.

Politeness: at most `max_requests` (8 or fewer) sequential GETs per run, all below the site URL, small bodies, a
few redirects. The home page comes first; well-known files follow only for the CMS it suggests (or, when it
suggests none, one request per CMS until one answers). A version is exact only when the evidence says so.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field

from sitewarden.inventory.base import CollectorParams, Redactor, fetch, looks_like_html, snapshot_result
from sitewarden.inventory.fingerprint_signals import (
    SOURCE,
    Cms,
    Finding,
    changelog_findings,
    components_in,
    feed_findings,
    header_findings,
    html_findings,
    joomla_manifest_findings,
    login_findings,
    readme_findings,
)
from sitewarden.inventory.model import InventorySnapshot, Origin, Precision
from sitewarden.probes.base import Probe, ProbeContext, merged_http_options, resolve_url
from sitewarden.results import Metric, Result, Status
from sitewarden.transport.http import HttpRequest, HttpResponse

MAX_REQUESTS = 8
CMS_TITLES = {"wordpress": "WordPress", "drupal": "Drupal", "joomla": "Joomla", "typo3": "TYPO3"}
_RANK: dict[str, int] = {"exact": 3, "minor": 2, "major": 1, "unknown": 0}
Reader = Callable[[str, str, int], list[Finding]]
# Well-known files per CMS, asked in order while the version is not exact.
FOLLOW_UPS: dict[str, tuple[tuple[str, Reader], ...]] = {
    "wordpress": (
        ("feed/", lambda text, path, status: feed_findings(text)),
        ("readme.html", lambda text, path, status: readme_findings(text)),
    ),
    "drupal": (
        ("core/CHANGELOG.txt", lambda text, path, status: changelog_findings(text, path)),
        ("CHANGELOG.txt", lambda text, path, status: changelog_findings(text, path)),
    ),
    "joomla": (
        ("administrator/manifests/files/joomla.xml", lambda text, path, status: joomla_manifest_findings(text)),
    ),
    "typo3": (),
}
# One request per CMS when the home page names none.
DISCOVERY: tuple[tuple[str, Reader], ...] = (
    ("wp-login.php", login_findings),
    ("administrator/manifests/files/joomla.xml", lambda text, path, status: joomla_manifest_findings(text)),
    ("core/CHANGELOG.txt", lambda text, path, status: changelog_findings(text, path)),
    ("typo3/", login_findings),
)


class FingerprintParams(CollectorParams):
    """Detect WordPress, Drupal, Joomla or TYPO3 and their version from public pages, without an agent."""

    kind: Literal["fingerprint"] = "fingerprint"
    url: str | None = Field(default=None, description="Base URL; default the site's URL.")
    max_requests: int = Field(default=MAX_REQUESTS, ge=1, le=MAX_REQUESTS, description="Most requests per run (1-8).")
    max_body: int = Field(default=512 * 1024, gt=0, le=4 * 1024 * 1024, description="Largest page read (bytes).")


class FingerprintCollector(Probe[FingerprintParams]):
    """Guesses CMS and version from generator tags, headers, feeds, well-known files and asset URLs."""

    kind = "fingerprint"
    params = FingerprintParams
    pool = "network"
    site_relative_url = True

    async def run(self, params: FingerprintParams, ctx: ProbeContext) -> Result:
        session = _Session(params, ctx)
        home = await session.get("")
        if isinstance(home, Result):
            return home
        findings = header_findings(_headers(home))
        if looks_like_html(home):
            findings += html_findings(home.text())
        cms = leading_cms(findings)
        if cms is None:
            for path, reader in DISCOVERY:
                found = await session.read(path, reader)
                findings += found
                if found or not session.has_budget():
                    break
            cms = leading_cms(findings)
        if cms is not None:
            for path, reader in FOLLOW_UPS[cms]:
                if best_version(findings, cms)[1] == "exact" or not session.has_budget():
                    break
                findings += await session.read(path, reader)
        return build_result(home, findings, cms, session, ctx)


class _Session:
    """Counts requests against the limit and the run's time budget; every request is a polite GET."""

    def __init__(self, params: FingerprintParams, ctx: ProbeContext) -> None:
        self.params = params
        self.ctx = ctx
        self.base = resolve_url(params.url, ctx.site)
        self.base = self.base if self.base.endswith("/") else self.base + "/"
        self.redactor = Redactor()
        self.requests = 0
        self.deadline = time.monotonic() + ctx.timeout
        self.paths: list[str] = []

    def has_budget(self) -> bool:
        return self.requests < self.params.max_requests and self.deadline - time.monotonic() > 0.2

    async def get(self, path: str) -> HttpResponse | Result:
        self.requests += 1
        self.paths.append("/" + path)
        request = HttpRequest(
            url=self.base + path,
            headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
            options=merged_http_options(self.ctx.http_options, self.params.http),
            max_redirects=3,
            max_body=self.params.max_body,
            timeout=max(self.deadline - time.monotonic(), 0.2),
        )
        return await fetch(self.ctx, request, self.redactor)

    async def read(self, path: str, reader: Reader) -> list[Finding]:
        """Findings of one well-known path; a failure or a 404 just yields none."""
        if not self.has_budget():
            return []
        response = await self.get(path)
        if isinstance(response, Result) or response.status >= 404:
            return []
        return reader(response.text(), path, response.status)


def _headers(response: HttpResponse) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = defaultdict(list)
    for name, value in response.headers:
        headers[name].append(value)
    return headers


def leading_cms(findings: list[Finding]) -> Cms | None:
    """The CMS with the most evidence, when there is enough (one strong sign, or two weak ones)."""
    scores: dict[Cms, float] = defaultdict(float)
    for finding in findings:
        scores[finding.cms] += finding.confidence
    if not scores:
        return None
    cms, score = max(scores.items(), key=lambda item: item[1])
    return cms if score >= 0.7 else None


def best_version(findings: list[Finding], cms: Cms) -> tuple[str | None, Precision, list[Finding]]:
    """The most precise version, most confident first; with the findings that support it."""
    candidates = [f for f in findings if f.cms == cms and f.version]
    if not candidates:
        return None, "unknown", []
    best = max(candidates, key=lambda f: (_RANK[f.precision], f.confidence))
    support = [f for f in candidates if f.version == best.version]
    return best.version, best.precision, support


def build_result(
    home: HttpResponse, findings: list[Finding], cms: Cms | None, session: _Session, ctx: ProbeContext
) -> Result:
    metrics = [Metric("requests", session.requests), Metric("status_code", home.status)]
    details: dict[str, Any] = {"requests": session.paths}
    server = home.header("server")
    powered = home.header("x-powered-by") or ""
    php = powered.split("/", 1)[1].split()[0] if powered.lower().startswith("php/") else None
    origins: dict[str, Origin] = {}
    if server:
        origins["web_server"] = Origin(source=SOURCE, confidence=0.9, evidence=[f"Server: {server[:80]}"])
    if php:
        origins["php_version"] = Origin(source=SOURCE, confidence=0.8, evidence=[f"X-Powered-By: {powered[:80]}"])
    if cms is None:
        details["evidence"] = [f.evidence for f in findings][:20]
        snapshot = InventorySnapshot(
            web_server=server, php_version=php, origins=origins, source=SOURCE, collected_at=ctx.clock()
        )
        if home.status >= 400:
            return snapshot_result(
                Status.ERROR, f"status {home.status} on the home page; no CMS recognised", snapshot, metrics, details
            )
        return snapshot_result(
            Status.OK, "no WordPress, Drupal, Joomla or TYPO3 recognised", snapshot, metrics, details
        )
    mine = [f for f in findings if f.cms == cms]
    version, precision, support = best_version(findings, cms)
    confidence = min(1.0, max(f.confidence for f in mine))
    origins["cms"] = Origin(source=SOURCE, confidence=confidence, evidence=[f.evidence for f in mine][:10])
    if version:
        best = max(f.confidence for f in support)
        origins["cms_version"] = Origin(source=SOURCE, confidence=best, evidence=[f.evidence for f in support][:10])
        shown = {"exact": version, "minor": f"{version} (minor only)", "major": f"{version} (major only)"}[precision]
    else:
        shown = "version unknown"
    others = sorted({f.cms for f in findings} - {cms})
    details["evidence"] = [f.evidence for f in mine][:20]
    if others:
        details["other_signs"] = others
    snapshot = InventorySnapshot(
        cms=cms,
        cms_version=version,
        cms_version_precision=precision,
        php_version=php,
        web_server=server,
        components=components_in(home.text(), cms, version) if home.status < 400 else [],
        origins=origins,
        source=SOURCE,
        collected_at=ctx.clock(),
    )
    evidence = "; ".join(dict.fromkeys(f.evidence for f in (support or mine)))[:160]
    return snapshot_result(Status.OK, f"{CMS_TITLES[cms]} {shown} ({evidence})", snapshot, metrics, details)
