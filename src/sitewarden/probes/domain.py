"""Domain registration expiry from the registry's RDAP service: days left, registrar, status flags, name servers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal, Protocol
from urllib.parse import quote, urlsplit

from publicsuffixlist import PublicSuffixList
from pydantic import Field, model_validator

from sitewarden.probes.base import Probe, ProbeContext, ProbeParams
from sitewarden.probes.http import send_request
from sitewarden.results import Metric, Result, Status
from sitewarden.transport.http import HttpRequest

BAD_FLAGS = ("clienthold", "serverhold", "redemptionperiod", "pendingdelete")
"""RDAP status values (RFC 8056, compared without spaces or case) that mean the domain is not usable."""
RDAP_SERVERS = "rdap_servers"
"""The `ProbeContext.services` key of the TLD → RDAP server directory (the IANA bootstrap with config overrides)."""


class RdapDirectory(Protocol):
    """What the engine passes under RDAP_SERVERS: it follows `sitewarden import rdap` without a restart."""

    async def server_for(self, tld: str) -> str | None: ...


class DomainParams(ProbeParams):
    """Check a domain's registration: days until expiry (RDAP), registrar, status flags and name servers."""

    kind: Literal["domain"] = "domain"
    domain: str | None = Field(
        default=None, description="Domain to check; default the registrable domain of the site's host."
    )
    rdap_url: str | None = Field(
        default=None, description="RDAP base URL to ask; default the server the bootstrap names for the TLD."
    )
    warning_days: float = Field(default=30, ge=0, description="Warning when fewer days are left.")
    critical_days: float = Field(default=7, ge=0, description="Error when fewer days are left.")

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> DomainParams:
        if self.critical_days > self.warning_days:
            raise ValueError("critical_days must not be larger than warning_days")
        return self


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    """The public suffix list bundled with the package (read once, never fetched)."""
    return PublicSuffixList()


def registrable_domain(host: str) -> str | None:
    """`www.shop.example.co.uk` → `example.co.uk`: the public suffix list decides where the registration is."""
    found: str | None = _suffixes().privatesuffix(host.strip(".").lower())
    return found


class DomainProbe(Probe[DomainParams]):
    """Domain registration expiry (RDAP)."""

    kind = "domain"
    params = DomainParams
    pool = "network"
    counts_toward_sla = False
    yields_domain_expiry = True
    least_interval = 12 * 3600.0

    async def run(self, params: DomainParams, ctx: ProbeContext) -> Result:
        host = params.domain or (urlsplit(ctx.site.url).hostname if ctx.site is not None else None)
        if not host:
            return Result(Status.UNKNOWN, "no domain given and the check belongs to no site")
        domain = registrable_domain(host)
        if domain is None:
            return Result(Status.UNKNOWN, f"{host} has no registrable domain (it is a public suffix or not a name)")
        tld = domain.rsplit(".", 1)[-1]
        base = params.rdap_url or await _server_for(ctx.services.get(RDAP_SERVERS), tld)
        if not base:
            return Result(
                Status.UNKNOWN, f"no RDAP server known for .{tld}: run `sitewarden import rdap` or set rdap.servers"
            )
        url = base.rstrip("/") + "/domain/" + quote(domain)
        request = HttpRequest(url=url, headers={"Accept": "application/rdap+json"}, timeout=ctx.timeout)
        response = await send_request(request, ctx)
        if isinstance(response, Result):
            return response
        details: dict[str, Any] = {"domain": domain, "url": url, "status_code": response.status}
        if response.status == 404:
            return Result(Status.ERROR, f"{domain} is not registered (RDAP 404)", details=details)
        if response.status == 429:
            wait = response.header("Retry-After")
            later = f", retry after {wait} s" if wait else ""
            return Result(Status.UNKNOWN, f"RDAP server rate-limited the query{later}", details=details)
        if response.status != 200:
            return Result(Status.UNKNOWN, f"RDAP server answered {response.status}", details=details)
        try:
            document = json.loads(response.text())
        except ValueError:
            return Result(Status.UNKNOWN, "RDAP answer is not JSON", details=details)
        if not isinstance(document, dict):
            return Result(Status.UNKNOWN, "RDAP answer is not a domain object", details=details)
        return judge(document, domain, params, ctx.clock(), details)


async def _server_for(directory: RdapDirectory | Mapping[str, str] | None, tld: str) -> str | None:
    """The TLD's server from the engine's directory (or a plain mapping, as a one-off run may pass)."""
    if directory is None:
        return None
    if isinstance(directory, Mapping):
        found = directory.get(tld)
        return str(found) if found else None
    return await directory.server_for(tld)


def judge(
    document: dict[str, Any], domain: str, params: DomainParams, now: datetime, details: dict[str, Any]
) -> Result:
    """The result for one RDAP domain object: expiry against the thresholds, then the status flags."""
    expires = _expiration(document)
    flags = [str(flag) for flag in document.get("status") or []]
    details.update(
        registrar=_registrar(document),
        status_flags=flags,
        nameservers=[
            str(ns.get("ldhName", "")).lower() for ns in document.get("nameservers") or [] if isinstance(ns, dict)
        ],
        expires=expires.isoformat() if expires else None,
    )
    bad = [flag for flag in flags if flag.replace(" ", "").lower() in BAD_FLAGS]
    if expires is None:
        status = Status.ERROR if bad else Status.UNKNOWN
        summary = f"{domain}: " + (f"status {', '.join(bad)}" if bad else "RDAP answer has no expiration date")
        return Result(status, summary, details=details)
    days = (expires - now).total_seconds() / 86400
    metric = Metric("days_left", round(days, 2), "d", warn=params.warning_days, crit=params.critical_days)
    status = Status.OK
    if days < params.critical_days:
        status = Status.ERROR
    elif days < params.warning_days:
        status = Status.WARNING
    when = f"expired {abs(days):.0f} days ago" if days < 0 else f"expires in {days:.0f} days"
    summary = f"{domain} {when} ({expires:%Y-%m-%d})"
    if bad:
        status = Status.ERROR
        summary += f", status {', '.join(bad)}"
    return Result(status, summary, [metric], details)


def _expiration(document: dict[str, Any]) -> datetime | None:
    for event in document.get("events") or []:
        if isinstance(event, dict) and event.get("eventAction") == "expiration":
            try:
                return datetime.fromisoformat(str(event.get("eventDate", "")).replace("Z", "+00:00"))
            except ValueError:
                return None
    return None


def _registrar(document: dict[str, Any]) -> str | None:
    """The `fn` of the entity with the registrar role (jCard, RFC 7095)."""
    for entity in document.get("entities") or []:
        if not isinstance(entity, dict) or "registrar" not in (entity.get("roles") or []):
            continue
        card = entity.get("vcardArray")
        if isinstance(card, list) and len(card) == 2 and isinstance(card[1], list):
            for item in card[1]:
                if isinstance(item, list) and len(item) >= 4 and item[0] == "fn":
                    return str(item[3])
        return str(entity.get("handle") or "") or None
    return None
