"""The `domain` kind against a loopback RDAP server serving answers in the shape registries give."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitewarden.probes.domain import RDAP_SERVERS, DomainParams, DomainProbe, registrable_domain
from sitewarden.results import Result, Status
from tests.fixtures.servers import FakeSite
from tests.probes.conftest import MakeContext, config_errors

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "rdap"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _serve(fake_site: FakeSite, domain: str, sample: str, status: int = 200, **more: object) -> None:
    body = (SAMPLES / sample).read_text() if sample else ""
    fake_site.set(f"/rdap/domain/{domain}", body=body, status=status, content_type="application/rdap+json", **more)


async def _run(fake_site: FakeSite, probe_context: MakeContext, domain: str) -> Result:
    context = probe_context(clock=lambda: NOW, services={RDAP_SERVERS: {"com": fake_site.url + "rdap/"}})
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
    _serve(fake_site, "example.com", "active.json")
    result = await _run(fake_site, probe_context, "www.example.com")
    assert result.status is Status.OK, result.summary
    assert result.summary == "example.com expires in 256 days (2027-08-13)"
    assert result.metric("days_left") == pytest.approx(255.67, abs=0.01)
    details = result.details
    assert details["registrar"] == "RESERVED-Internet Assigned Numbers Authority"
    assert details["nameservers"] == ["a.iana-servers.net", "b.iana-servers.net"]


async def test_domain_expiring_in_ten_days_is_a_warning(fake_site: FakeSite, probe_context: MakeContext) -> None:
    _serve(fake_site, "soon-expiring.com", "expiring.json")
    result = await _run(fake_site, probe_context, "soon-expiring.com")
    assert result.status is Status.WARNING
    assert result.summary == "soon-expiring.com expires in 10 days (2026-12-10)"


async def test_redemption_period_is_an_error(fake_site: FakeSite, probe_context: MakeContext) -> None:
    _serve(fake_site, "lapsed-shop.com", "redemption.json")
    result = await _run(fake_site, probe_context, "lapsed-shop.com")
    assert result.status is Status.ERROR
    assert result.summary == ("lapsed-shop.com expired 10 days ago (2026-11-20), status redemption period, server hold")


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
    _serve(fake_site, "example.com", "malformed.json")
    result = await _run(fake_site, probe_context, "example.com")
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
