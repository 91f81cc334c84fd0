"""DNS records: A, AAAA, CNAME, MX, TXT and NS answers compared with what they should be."""

from __future__ import annotations

import ipaddress
import time
from typing import Any, Literal

import dns.asyncresolver
import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver
from pydantic import Field, field_validator

from sitewarden.probes.base import Probe, ProbeContext, ProbeParams, site_host
from sitewarden.results import FailureClass, Metric, Result, Status


class DnsParams(ProbeParams):
    """Resolve a name through the system's or a given DNS server and compare the answer with expected values."""

    kind: Literal["dns"] = "dns"
    query: str | None = Field(default=None, description="Name to resolve; default the site's host name.")
    record_type: Literal["A", "AAAA", "CNAME", "MX", "TXT", "NS"] = Field(default="A", description="Record type.")
    expect: list[str] = Field(
        default_factory=list,
        description="Values the answer must hold (MX as `10 mail.example.org` or just the host); empty: any answer.",
    )
    exact: bool = Field(default=False, description="The answer must hold the expected values and nothing else.")
    nameservers: list[str] = Field(
        default_factory=list, description="IP addresses of DNS servers to ask; default the system's resolv.conf."
    )
    port: int = Field(default=53, ge=1, le=65535, description="Port of the DNS servers.")

    @field_validator("nameservers")
    @classmethod
    def _ip_addresses(cls, value: list[str]) -> list[str]:
        for server in value:
            try:
                ipaddress.ip_address(server)
            except ValueError:
                raise ValueError(f"'{server}' is not an IP address; name servers are given by address") from None
        return value

    @field_validator("query")
    @classmethod
    def _valid_name(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                dns.name.from_text(value)
            except dns.exception.DNSException as exc:
                raise ValueError(f"'{value}' is not a DNS name: {exc}") from None
        return value


class DnsProbe(Probe[DnsParams]):
    """DNS answer for a name and record type."""

    kind = "dns"
    params = DnsParams
    pool = "network"
    failure_class = FailureClass.DNS

    async def run(self, params: DnsParams, ctx: ProbeContext) -> Result:
        name = params.query or site_host(ctx.site)
        if not name:
            return Result(Status.UNKNOWN, "no name given and the check belongs to no site")
        resolver = _resolver(params, ctx.timeout)
        details: dict[str, Any] = {"name": name, "type": params.record_type}
        if params.nameservers:
            details["nameservers"] = params.nameservers
        started = time.perf_counter()
        try:
            answer = await resolver.resolve(name, params.record_type, search=False)
        except dns.resolver.NXDOMAIN:
            return Result(Status.ERROR, f"DNS failure: {name} does not exist (NXDOMAIN)", details=details)
        except dns.resolver.NoAnswer:
            return Result(Status.ERROR, f"no {params.record_type} record for {name}", details=details)
        except dns.resolver.NoNameservers as exc:
            return Result(Status.ERROR, f"DNS failure: no server answered for {name} ({_why(exc)})", details=details)
        except dns.exception.Timeout:
            return Result(
                Status.ERROR, f"timed out waiting for the DNS server after {ctx.timeout:g} s", details=details
            )
        except dns.exception.DNSException as exc:
            return Result(Status.ERROR, f"DNS failure: {exc}", details=details)
        query_ms = (time.perf_counter() - started) * 1000
        values = sorted({record_text(params.record_type, rdata) for rdata in answer})
        details["values"] = values
        ttl = answer.rrset.ttl if answer.rrset is not None else None
        metrics = [Metric("query_ms", round(query_ms, 3), "ms")]
        if ttl is not None:
            metrics.append(Metric("ttl", ttl, "s"))
        ctx.debug(f"{name} {params.record_type}: {', '.join(values)}")
        wanted = {normalize(params.record_type, value) for value in params.expect}
        found = {normalize(params.record_type, value) for value in values}
        if params.record_type == "MX":
            found |= {value.split(" ", 1)[1] for value in found if " " in value}
        missing = sorted(wanted - found)
        if missing:
            return Result(
                Status.ERROR,
                f"{params.record_type} {name}: expected {', '.join(missing)}, got {', '.join(values)}",
                metrics,
                details,
            )
        if params.exact:
            extra = sorted(value for value in values if not _covered(params.record_type, value, wanted))
            if extra:
                return Result(
                    Status.ERROR, f"{params.record_type} {name}: unexpected {', '.join(extra)}", metrics, details
                )
        return Result(Status.OK, f"{params.record_type} {name}: {', '.join(values)}", metrics, details)


def _resolver(params: DnsParams, timeout: float) -> dns.asyncresolver.Resolver:
    if params.nameservers:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = list(params.nameservers)
        resolver.port = params.port
    else:
        resolver = dns.asyncresolver.Resolver()
    resolver.lifetime = timeout
    resolver.timeout = min(timeout, 2.0)
    resolver.cache = None
    return resolver


def record_text(record_type: str, rdata: Any) -> str:
    """One answer as text: addresses as is, names without the final dot, MX as `priority host`, TXT joined."""
    if record_type == "MX":
        return f"{rdata.preference} {_name(rdata.exchange)}"
    if record_type in ("CNAME", "NS"):
        return _name(rdata.target)
    if record_type == "TXT":
        return "".join(part.decode("utf-8", errors="replace") for part in rdata.strings)
    return str(rdata.address)


def normalize(record_type: str, value: str) -> str:
    text = value.strip()
    if record_type in ("A", "AAAA"):
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            return text
    if record_type in ("CNAME", "NS", "MX"):
        return text.rstrip(".").lower()
    return text


def _covered(record_type: str, value: str, wanted: set[str]) -> bool:
    normal = normalize(record_type, value)
    return normal in wanted or (record_type == "MX" and normal.split(" ", 1)[-1] in wanted)


def _name(name: Any) -> str:
    return str(name.to_text(omit_final_dot=True)).lower()


def _why(exc: dns.resolver.NoNameservers) -> str:
    text = str(exc)
    for code in ("SERVFAIL", "REFUSED", "NOTIMP", "FORMERR"):
        if code in text:
            return code
    return "no usable answer"
