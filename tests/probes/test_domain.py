"""The `domain` kind against a loopback RDAP server serving answers recorded from real registries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitewarden.probes.domain import RDAP_SERVERS, DomainParams, DomainProbe, registrable_domain
from sitewarden.results import Result, Status
from tests.fixtures.servers import FakeSite
from tests.probes.conftest import MakeContext, config_errors

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "rdap"
"""Answers recorded from real registries (see tests/data/rdap/README.md); each test fixes the clock instead."""
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _serve(fake_site: FakeSite, domain: str, sample: str, status: int = 200, **more: object) -> None:
    body = (SAMPLES / sample).read_text() if sample else ""
    fake_site.set(f"/rdap/domain/{domain}", body=body, status=status, content_type="application/rdap+json", **more)


async def _run(fake_site: FakeSite, probe_context: MakeContext, domain: str, now: datetime = NOW) -> Result:
    context = probe_context(clock=lambda: now, services={RDAP_SERVERS: {"com": fake_site.url + "rdap/"}})
    return await DomainProbe().run(DomainParams(domain=domain), context)


@pytest.mark.parametrize(
    ("host", "registrable"),
    [("www.shop.example.co.uk", "example.co.uk"), ("EXAMPLE.COM.", "example.com"), ("co.uk", None)],
)
def test_the_public_suffix_list_decides_the_registrable_domain(host: str, registrable: str | None) -> None:
    assert registrable_domain(host) == registrable


def test_thresholds_out_of_order_are_a_config_error() -> None:
    errors = config_errors("- {kind: domain, domain: example.com, warning_days: 5, critical_days: 10}")
    assert "critical_days must not be larger than warning_days" in errors


async def test_active_domain_is_ok_with_registrar_and_nameservers(
    fake_site: FakeSite, probe_context: MakeContext
) -> None:
    _serve(fake_site, "google.com", "active.json")  # Verisign's answer for google.com, recorded in July 2024
    result = await _run(fake_site, probe_context, "www.google.com")
    assert result.status is Status.OK, result.summary
    assert result.summary == "google.com expires in 654 days (2028-09-14)"
    assert result.metric("days_left") == pytest.approx(653.67, abs=0.01)
    details = result.details
    assert details["registrar"] == "MarkMonitor Inc."
    assert details["nameservers"] == ["ns1.google.com", "ns2.google.com", "ns3.google.com", "ns4.google.com"]
    assert "server delete prohibited" in details["status_flags"]


async def test_domain_expiring_in_ten_days_is_a_warning(fake_site: FakeSite, probe_context: MakeContext) -> None:
    _serve(fake_site, "themarquetry.com", "expiring.json")  # recorded 2022-01-20, expiring 2022-03-16T17:07:37Z
    ten_days_before = datetime(2022, 3, 6, 17, 7, 37, tzinfo=UTC)
    result = await _run(fake_site, probe_context, "themarquetry.com", ten_days_before)
    assert result.status is Status.WARNING
    assert result.summary == "themarquetry.com expires in 10 days (2022-03-16)"
    assert result.metric("days_left") == 10.0
    assert result.details["registrar"] == "Hosting Concepts B.V. d/b/a Registrar.eu"


async def test_redemption_period_is_an_error(fake_site: FakeSite, probe_context: MakeContext) -> None:
    _serve(fake_site, "example.com", "redemption.json")  # expired 2021-08-13; status set to redemption period
    ten_days_after = datetime(2021, 8, 23, 4, 0, tzinfo=UTC)
    result = await _run(fake_site, probe_context, "example.com", ten_days_after)
    assert result.status is Status.ERROR
    assert result.summary == "example.com expired 10 days ago (2021-08-13), status redemption period"


async def test_redemption_period_is_an_error_even_before_the_expiry_date(
    fake_site: FakeSite, probe_context: MakeContext
) -> None:
    _serve(fake_site, "example.com", "redemption.json")
    result = await _run(fake_site, probe_context, "example.com", datetime(2021, 6, 1, tzinfo=UTC))
    assert result.status is Status.ERROR
    assert result.summary.endswith(", status redemption period")


async def test_unknown_domain_is_an_error(fake_site: FakeSite, probe_context: MakeContext) -> None:
    _serve(fake_site, "never-registered.com", "not_found.json", status=404)
    result = await _run(fake_site, probe_context, "never-registered.com")
    assert (result.status, result.summary) == (
        Status.ERROR,
        "never-registered.com is not registered (RDAP 404)",
    )


async def test_rate_limit_is_unknown_and_names_retry_after(fake_site: FakeSite, probe_context: MakeContext) -> None:
    _serve(fake_site, "busy.com", "", status=429, headers={"Retry-After": "120"})
    result = await _run(fake_site, probe_context, "busy.com")
    assert (result.status, result.summary) == (
        Status.UNKNOWN,
        "RDAP server rate-limited the query, retry after 120 s",
    )


async def test_malformed_json_is_unknown(fake_site: FakeSite, probe_context: MakeContext) -> None:
    _serve(fake_site, "google.com", "malformed.json")  # the recorded answer cut off after 1,200 bytes
    result = await _run(fake_site, probe_context, "google.com")
    assert (result.status, result.summary) == (Status.UNKNOWN, "RDAP answer is not JSON")


async def test_tld_without_a_server_says_how_to_get_one(probe_context: MakeContext) -> None:
    result = await DomainProbe().run(DomainParams(domain="example.net"), probe_context())
    assert result.status is Status.UNKNOWN
    assert result.summary.startswith("no RDAP server known for .net")


def test_domain_checks_run_every_twelve_hours_unless_told_otherwise() -> None:
    from sitewarden.config.loader import parse_config
    from sitewarden.config.plan import plan_checks

    text = (
        "checks:\n  - {kind: domain, domain: example.com}\n"
        "  - {kind: domain, name: often, domain: example.org, interval: 1h}\n"
    )
    intervals = {spec.name: spec.interval for spec in plan_checks(parse_config(text, "sitewarden.yaml"))}
    assert intervals == {"domain": 12 * 3600.0, "often": 3600.0}


@pytest.mark.parametrize("flag", ["client hold", "clientHold", "server hold", "pending delete", "pendingDelete"])
def test_holds_and_pending_delete_are_errors_whatever_the_expiry(flag: str) -> None:
    from sitewarden.probes.domain import judge

    document = json.loads((SAMPLES / "active.json").read_text())  # google.com, 654 days left at NOW
    document["status"] = [*document["status"], flag]
    result = judge(document, "google.com", DomainParams(domain="google.com"), NOW, {})
    assert result.status is Status.ERROR
    assert result.summary == f"google.com expires in 654 days (2028-09-14), status {flag}"
