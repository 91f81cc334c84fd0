"""TLS certificates: days left, chain, host name, weak signatures and keys, and the negotiated protocol."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from sitewarden.probes.base import Probe, ProbeContext, ProbeParams, resolve_url
from sitewarden.probes.tls_certificates import WEAK_HASHES, CertificateFacts, certificate_facts, matches_host
from sitewarden.results import FailureClass, Metric, Result, Status, worst
from sitewarden.transport.dialing import (
    TransportFailure,
    describe_verify_error,
    is_ip_literal,
    open_stream,
    resolve_addresses,
)
from sitewarden.trust import HostPath

VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")


class TlsParams(ProbeParams):
    """Check a server's TLS certificate: days until expiry, chain, host name, signature and key strength."""

    kind: Literal["tls"] = "tls"
    url: str | None = Field(
        default=None, description="https:// URL (or a path below the site's URL); the port comes from it."
    )
    server_name: str | None = Field(
        default=None, description="Name sent as SNI and matched against the certificate; default the URL's host."
    )
    warning_days: float = Field(default=21, ge=0, description="Warning when fewer days are left.")
    critical_days: float = Field(default=7, ge=0, description="Error when fewer days are left.")
    ca_file: HostPath | None = Field(default=None, description="CA bundle to validate against; default the system's.")
    min_rsa_bits: int = Field(default=2048, ge=512, description="RSA keys shorter than this are flagged (warning).")
    min_version: Literal["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] = Field(
        default="TLSv1.2", description="A negotiated protocol older than this is a warning."
    )
    ip_family: Literal[4, 6] | None = Field(default=None, description="IPv4 or IPv6 only; default the site's.")

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> TlsParams:
        if self.critical_days > self.warning_days:
            raise ValueError("critical_days must not be larger than warning_days")
        return self


@dataclass(slots=True)
class Handshake:
    """What one TLS handshake gave: the leaf certificate, the protocol and cipher, and a verification error."""

    leaf: bytes | None
    version: str
    cipher: str
    verify_error: str | None = None


class TlsProbe(Probe[TlsParams]):
    """TLS certificate expiry and validity."""

    kind = "tls"
    params = TlsParams
    pool = "network"
    failure_class = FailureClass.TLS
    yields_certificate = True
    site_relative_url = True

    def __init__(self) -> None:
        self._contexts: dict[str, ssl.SSLContext] = {}

    async def run(self, params: TlsParams, ctx: ProbeContext) -> Result:
        url = resolve_url(params.url, ctx.site)
        parts = urlsplit(url)
        if not parts.hostname:
            return Result(Status.UNKNOWN, f"cannot check '{url}': no host name")
        port = parts.port or 443
        options = ctx.http_options
        server_name = params.server_name or (options.host_header or parts.hostname).split(":")[0]
        details: dict[str, Any] = {"host": parts.hostname, "port": port, "server_name": server_name}
        ca_file = params.ca_file or options.ca_file
        family = params.ip_family or options.ip_family
        try:
            async with asyncio.timeout(ctx.timeout):
                shake = await self._handshake(parts.hostname, port, server_name, family, ctx, self._verifying(ca_file))
                if shake.verify_error is not None:
                    ctx.debug(f"verification failed: {shake.verify_error}; fetching the certificate unverified")
                    error = shake.verify_error
                    shake = await self._handshake(parts.hostname, port, server_name, family, ctx, _unverified())
                    shake.verify_error = error
        except TransportFailure as failure:
            return failure.as_result(details)
        except TimeoutError:
            return Result(
                Status.ERROR, f"timed out during the TLS handshake after {ctx.timeout:g} s", details=details
            ).classify(FailureClass.TIMEOUT)
        if shake.leaf is None:
            return Result(Status.ERROR, "the server sent no certificate", details=details)
        try:
            facts = certificate_facts(shake.leaf)
        except ValueError as exc:
            return Result(Status.ERROR, f"the server's certificate cannot be read: {exc}", details=details)
        return judge_certificate(params, facts, shake, server_name, ctx.clock(), details)

    def _verifying(self, ca_file: Path | None) -> ssl.SSLContext:
        key = str(ca_file or "")
        context = self._contexts.get(key)
        if context is None:
            context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
            context.check_hostname = False  # matched separately, so a wrong name and a bad chain both show
            self._contexts[key] = context
        return context

    async def _handshake(
        self, host: str, port: int, server_name: str, family: int | None, ctx: ProbeContext, context: ssl.SSLContext
    ) -> Handshake:
        addresses = await resolve_addresses(ctx.http.resolver, host, port, family)
        reader, writer = await open_stream(addresses, host, port, None)
        try:
            sni = None if is_ip_literal(server_name) else server_name
            try:
                await writer.start_tls(context, server_hostname=sni)
            except ssl.SSLCertVerificationError as exc:
                return Handshake(None, "", "", describe_verify_error(exc))
            except ssl.SSLError as exc:
                reason = (exc.reason or exc.strerror or str(exc)).lower().replace("_", " ")
                raise TransportFailure(FailureClass.TLS, f"TLS handshake failed: {reason}", phase="tls") from None
            except (ConnectionError, OSError) as exc:
                raise TransportFailure(
                    FailureClass.TLS, f"TLS handshake failed: {_os_reason(exc)}", phase="tls"
                ) from None
            ssl_object: ssl.SSLObject = writer.get_extra_info("ssl_object")
            cipher = ssl_object.cipher()
            return Handshake(
                ssl_object.getpeercert(binary_form=True), ssl_object.version() or "", cipher[0] if cipher else ""
            )
        finally:
            writer.transport.abort()
            del reader


def judge_certificate(
    params: TlsParams,
    facts: CertificateFacts,
    shake: Handshake,
    server_name: str,
    now: datetime,
    details: dict[str, Any],
) -> Result:
    """Every problem found, worst first in the summary; `days_left` is always a metric."""
    days_left = facts.days_left(now)
    metrics = [Metric("days_left", round(days_left, 2), "d", params.warning_days, params.critical_days)]
    details = details | {
        "certificate": facts.as_dict(),
        "protocol": shake.version,
        "cipher": shake.cipher,
        "chain_valid": shake.verify_error is None,
    }
    problems: list[tuple[Status, str]] = []
    if days_left < 0:
        problems.append((Status.ERROR, f"certificate expired {_ago(-days_left)}"))
    elif facts.not_before > now:
        problems.append((Status.ERROR, f"certificate not valid before {facts.not_before:%Y-%m-%d %H:%M} UTC"))
    if shake.verify_error is not None and not (days_left < 0 and "expired" in shake.verify_error):
        details["chain_error"] = shake.verify_error
        problems.append((Status.ERROR, f"certificate not trusted: {shake.verify_error}"))
    if not matches_host(facts.names, server_name):
        valid_for = ", ".join(facts.names[:5]) or "no names"
        problems.append((Status.ERROR, f"certificate does not match the host name '{server_name}' ({valid_for})"))
    if facts.signature_hash in WEAK_HASHES:
        problems.append((Status.ERROR, f"certificate signed with {facts.signature_hash.upper()}, a broken hash"))
    if facts.key_type == "RSA" and facts.key_bits < params.min_rsa_bits:
        problems.append((Status.WARNING, f"RSA key of {facts.key_bits} bits (minimum {params.min_rsa_bits})"))
    if shake.version in VERSIONS and VERSIONS.index(shake.version) < VERSIONS.index(params.min_version):
        problems.append((Status.WARNING, f"negotiated {shake.version} (minimum {params.min_version})"))
    if 0 <= days_left < params.critical_days:
        problems.append(
            (Status.ERROR, f"certificate expires in {_days(days_left)} (critical below {params.critical_days:g})")
        )
    elif 0 <= days_left < params.warning_days:
        problems.append(
            (Status.WARNING, f"certificate expires in {_days(days_left)} (warning below {params.warning_days:g})")
        )
    attachments = {"certificate": details["certificate"] | {"days_left": round(days_left, 2)}}
    if not problems:
        summary = f"certificate valid for {_days(days_left)} ({shake.version}, until {facts.not_after:%Y-%m-%d})"
        return Result(Status.OK, summary, metrics, details, attachments=attachments)
    details["problems"] = [text for _, text in problems]
    status = worst(status for status, _ in problems)
    first = next(text for problem, text in problems if problem is status)
    more = len(problems) - 1
    summary = first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
    result = Result(status, summary, metrics, details, attachments=attachments)
    if first.startswith(("certificate expire", "certificate not valid before")):
        result.classify(FailureClass.TLS_EXPIRY)  # the worst problem is the validity period
    return result


def _unverified() -> ssl.SSLContext:
    """A context that accepts any certificate and old protocols: only to read what the server presents."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


def _days(days: float) -> str:
    whole = int(days)
    return "less than a day" if whole == 0 else f"{whole} day{'s' if whole != 1 else ''}"


def _ago(days: float) -> str:
    return "less than a day ago" if int(days) == 0 else f"{_days(days)} ago"


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()
