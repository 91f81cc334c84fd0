"""IANA's RDAP bootstrap: one server per TLD, https preferred."""

from __future__ import annotations

from sitewarden.catalog.importers.rdap import RdapImporter
from sitewarden.catalog.records import ProductRecord
from tests.catalog.importers.samples import SAMPLES, parse, parse_fails, sample


def test_every_tld_gets_its_server_with_https_preferred() -> None:
    records = parse(RdapImporter(), sample("rdap-dns.json"))
    servers = {r.product: r.reason for r in records if isinstance(r, ProductRecord)}
    assert servers["rdap:com"] == "https://rdap.verisign.com/com/v1/"
    assert servers["rdap:org"] == servers["rdap:xn--c1avg"] == "https://rdap.publicinterestregistry.org/rdap/"
    assert servers["rdap:art"] == "https://rdap.centralnic.com/music/"
    assert len(servers) == 6


def test_truncated_bootstrap_is_refused() -> None:
    assert parse_fails(RdapImporter(), sample("rdap-dns.json")[:200])


def test_bootstrap_without_services_is_refused() -> None:
    assert parse_fails(RdapImporter(), b'{"services": [], "version": "1.0"}')


def test_the_real_iana_bootstrap_names_every_registry() -> None:
    """IANA's dns.json as recorded in July 2024 (tests/data/rdap/README.md): 1,179 TLDs, https where offered."""
    recorded = (SAMPLES.parent / "rdap" / "dns.json").read_bytes()
    records = parse(RdapImporter(), recorded)
    servers = {r.product: r.reason for r in records if isinstance(r, ProductRecord)}
    assert len(servers) == 1179
    assert servers["rdap:com"] == "https://rdap.verisign.com/com/v1/"
    assert servers["rdap:org"] == "https://rdap.publicinterestregistry.org/rdap/"
    assert servers["rdap:uk"] == "https://rdap.nominet.uk/uk/"
    assert servers["rdap:no"] == "https://rdap.norid.no/"
    plain = sorted(tld.removeprefix("rdap:") for tld, url in servers.items() if not url.startswith("https://"))
    assert plain == ["cpa", "kg", "merckmsd", "msd", "music"]  # the five services that list only http
