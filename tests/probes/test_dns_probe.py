from __future__ import annotations

from sitewarden.probes.dns_probe import DnsParams, DnsProbe
from sitewarden.results import Status
from tests.fixtures.dns_server import DnsServer
from tests.probes.conftest import MakeContext, config_errors


def _params(server: DnsServer, **data: object) -> DnsParams:
    return DnsParams.model_validate({"kind": "dns", "nameservers": ["127.0.0.1"], "port": server.port, **data})


def test_nameservers_are_addresses_and_types_are_known() -> None:
    errors = config_errors("- {kind: dns, query: example.org, nameservers: [ns1.example.org]}")
    assert "checks[0].nameservers: 'ns1.example.org' is not an IP address" in errors
    errors = config_errors("- {kind: dns, query: example.org, record_type: SRV}")
    assert "checks[0].record_type: input should be 'A', 'AAAA', 'CNAME', 'MX', 'TXT' or 'NS'" in errors


async def test_a_record_matches_the_expected_address(dns_server: DnsServer, probe_context: MakeContext) -> None:
    dns_server.records[("www.example.test", "A")] = ["192.0.2.10", "192.0.2.11"]
    params = _params(dns_server, query="www.example.test", expect=["192.0.2.11"])
    result = await DnsProbe().run(params, probe_context())
    assert (result.status, result.summary) == (Status.OK, "A www.example.test: 192.0.2.10, 192.0.2.11")
    assert result.metric("ttl") == 300


async def test_exact_answer_refuses_extra_values(dns_server: DnsServer, probe_context: MakeContext) -> None:
    dns_server.records[("www.example.test", "A")] = ["192.0.2.10", "192.0.2.11"]
    params = _params(dns_server, query="www.example.test", expect=["192.0.2.10"], exact=True)
    result = await DnsProbe().run(params, probe_context())
    assert (result.status, result.summary) == (Status.ERROR, "A www.example.test: unexpected 192.0.2.11")


async def test_changed_aaaa_record_is_an_error(dns_server: DnsServer, probe_context: MakeContext) -> None:
    dns_server.records[("example.test", "AAAA")] = ["2001:db8::2"]
    params = _params(dns_server, query="example.test", record_type="AAAA", expect=["2001:DB8:0::1"])
    result = await DnsProbe().run(params, probe_context())
    assert (result.status, result.summary) == (Status.ERROR, "AAAA example.test: expected 2001:db8::1, got 2001:db8::2")


async def test_cname_mx_and_txt_answers(dns_server: DnsServer, probe_context: MakeContext) -> None:
    dns_server.records[("shop.example.test", "CNAME")] = ["lb.example.test."]
    dns_server.records[("example.test", "MX")] = ["10 mx1.example.test.", "20 mx2.example.test."]
    dns_server.records[("example.test", "TXT")] = ['"v=spf1 " "-all"']
    probe, ctx = DnsProbe(), probe_context()
    cname = await probe.run(
        _params(dns_server, query="shop.example.test", record_type="CNAME", expect=["LB.example.test."]), ctx
    )
    assert cname.status is Status.OK, cname.summary
    mx = await probe.run(
        _params(dns_server, query="example.test", record_type="MX", expect=["mx2.example.test", "10 mx1.example.test"]),
        ctx,
    )
    assert (mx.status, mx.summary) == (Status.OK, "MX example.test: 10 mx1.example.test, 20 mx2.example.test")
    txt = await probe.run(_params(dns_server, query="example.test", record_type="TXT", expect=["v=spf1 -all"]), ctx)
    assert txt.status is Status.OK, txt.summary


async def test_nxdomain_is_an_error(dns_server: DnsServer, probe_context: MakeContext) -> None:
    result = await DnsProbe().run(_params(dns_server, query="gone.example.test"), probe_context())
    assert (result.status, result.summary) == (Status.ERROR, "DNS failure: gone.example.test does not exist (NXDOMAIN)")


async def test_missing_record_type_is_an_error(dns_server: DnsServer, probe_context: MakeContext) -> None:
    dns_server.records[("v4only.example.test", "A")] = ["192.0.2.1"]
    params = _params(dns_server, query="v4only.example.test", record_type="AAAA")
    result = await DnsProbe().run(params, probe_context())
    assert (result.status, result.summary) == (Status.ERROR, "no AAAA record for v4only.example.test")


async def test_servfail_is_an_error(dns_server: DnsServer, probe_context: MakeContext) -> None:
    dns_server.servfail.add("broken.example.test")
    result = await DnsProbe().run(_params(dns_server, query="broken.example.test"), probe_context())
    assert result.status is Status.ERROR
    assert result.summary == "DNS failure: no server answered for broken.example.test (SERVFAIL)"


async def test_silent_server_times_out(dns_server: DnsServer, probe_context: MakeContext) -> None:
    dns_server.silent.add("slow.example.test")
    result = await DnsProbe().run(_params(dns_server, query="slow.example.test"), probe_context(timeout=0.3))
    assert (result.status, result.summary) == (Status.ERROR, "timed out waiting for the DNS server after 0.3 s")


async def test_site_host_is_the_default_name(dns_server: DnsServer, probe_context: MakeContext) -> None:
    dns_server.records[("shop.example.test", "A")] = ["192.0.2.7"]
    result = await DnsProbe().run(_params(dns_server), probe_context(site_url="https://shop.example.test/"))
    assert result.status is Status.OK and result.details["values"] == ["192.0.2.7"]
