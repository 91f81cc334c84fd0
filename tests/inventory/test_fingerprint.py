"""fingerprint: CMS and version from public pages of loopback sites, with a bounded number of requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from sitewarden.inventory.fingerprint import FingerprintCollector, FingerprintParams
from sitewarden.probes.base import ProbeContext, SiteInfo
from sitewarden.results import Result, Status
from sitewarden.transport.http import HttpClient
from tests.fixtures.servers import FakeSite

DATA = Path(__file__).parent.parent / "data" / "inventory"


def page(name: str) -> str:
    return (DATA / name).read_text()


async def collect(site: FakeSite, timeout: float = 5.0, **params: Any) -> Result:
    ctx = ProbeContext(http=HttpClient(), site=SiteInfo(name="s", url=site.url), timeout=timeout)
    return await FingerprintCollector().run(FingerprintParams(kind="fingerprint", **params), ctx)


def test_at_most_eight_requests_may_be_configured() -> None:
    with pytest.raises(ValidationError):
        FingerprintParams(kind="fingerprint", max_requests=9)


async def test_wordpress_generator_gives_the_exact_version_and_plugins(fake_site: FakeSite) -> None:
    fake_site.set(
        "/", body=page("wordpress_home.html"), headers={"Server": "Apache/2.4.57", "X-Powered-By": "PHP/8.2.15"}
    )
    result = await collect(fake_site)
    assert result.status is Status.OK, result.summary
    snapshot = result.attachments["inventory"]
    assert (snapshot.cms, snapshot.cms_version, snapshot.cms_version_precision) == ("wordpress", "6.4.3", "exact")
    assert (snapshot.php_version, snapshot.web_server) == ("8.2.15", "Apache/2.4.57")
    assert snapshot.origins["cms_version"].source == "fingerprint"
    assert "meta generator: WordPress 6.4.3" in snapshot.origins["cms_version"].evidence
    assert snapshot.origins["cms_version"].confidence < 1.0
    plugins = {item.key: item.version for item in snapshot.components if item.kind == "plugin"}
    assert plugins == {"contact-form-7": "5.8.6", "wordpress-seo": "21.9"}
    theme = snapshot.component("theme", "twentytwentyfour")
    assert theme is not None and theme.version is None  # its ?ver= is the core's, not the theme's
    assert len(fake_site.requests) == 1  # exact from the home page: no further request


async def test_wordpress_without_generator_reads_the_feed(fake_site: FakeSite) -> None:
    home = page("wordpress_home.html").replace('<meta name="generator" content="WordPress 6.4.3" />', "")
    home = home.replace("?ver=6.4.3", "")
    fake_site.set("/", body=home)
    fake_site.set("/feed/", body=page("wordpress_feed.xml"), content_type="application/rss+xml")
    result = await collect(fake_site)
    snapshot = result.attachments["inventory"]
    assert (snapshot.cms_version, snapshot.cms_version_precision) == ("6.4.3", "exact")
    assert "RSS feed generator ?v=6.4.3" in result.summary


async def test_drupal_that_only_reveals_its_major_version(fake_site: FakeSite) -> None:
    fake_site.set("/", body=page("drupal_home.html"), headers={"X-Generator": "Drupal 10 (https://www.drupal.org)"})
    result = await collect(fake_site)
    assert result.status is Status.OK
    snapshot = result.attachments["inventory"]
    assert (snapshot.cms, snapshot.cms_version, snapshot.cms_version_precision) == ("drupal", "10", "major")
    assert result.summary.startswith("Drupal 10 (major only)")
    assert [request["path"] for request in fake_site.requests] == ["/", "/core/CHANGELOG.txt", "/CHANGELOG.txt"]


async def test_drupal_changelog_gives_the_exact_version(fake_site: FakeSite) -> None:
    fake_site.set("/", body=page("drupal_home.html"))
    fake_site.set(
        "/CHANGELOG.txt",
        body="Drupal 7.98, 2023-06-07\n-----------------------\n- Fixed things.\n",
        content_type="text/plain",
    )
    result = await collect(fake_site)
    snapshot = result.attachments["inventory"]
    assert (snapshot.cms_version, snapshot.cms_version_precision) == ("7.98", "exact")


async def test_joomla_manifest_gives_the_exact_version(fake_site: FakeSite) -> None:
    fake_site.set("/", body=page("joomla_home.html"))
    fake_site.set("/administrator/manifests/files/joomla.xml", body=page("joomla.xml"), content_type="text/xml")
    result = await collect(fake_site)
    snapshot = result.attachments["inventory"]
    assert (snapshot.cms, snapshot.cms_version, snapshot.cms_version_precision) == ("joomla", "4.4.2", "exact")


async def test_typo3_is_recognised_but_its_version_stays_unknown(fake_site: FakeSite) -> None:
    fake_site.set("/", body=page("typo3_home.html"), headers={"Set-Cookie": "fe_typo_user=abc; path=/"})
    result = await collect(fake_site)
    snapshot = result.attachments["inventory"]
    assert (snapshot.cms, snapshot.cms_version, snapshot.cms_version_precision) == ("typo3", None, "unknown")
    assert result.summary.startswith("TYPO3 version unknown")
    assert snapshot.component("extension", "sitepackage") is not None
    assert len(fake_site.requests) == 1


async def test_typo3_backend_login_is_found_when_the_home_page_says_nothing(fake_site: FakeSite) -> None:
    fake_site.set("/", body="<html><head><title>Home</title></head><body>Hello</body></html>")
    fake_site.set("/typo3/", body="<html><head><title>example.org: TYPO3 CMS Login</title></head></html>")
    result = await collect(fake_site)
    assert result.attachments["inventory"].cms == "typo3"
    assert [r["path"] for r in fake_site.requests] == [
        "/",
        "/wp-login.php",
        "/administrator/manifests/files/joomla.xml",
        "/core/CHANGELOG.txt",
        "/typo3/",
    ]


async def test_unknown_site_is_ok_without_a_cms_and_stays_within_the_request_limit(fake_site: FakeSite) -> None:
    fake_site.set("/", body="<html><head><title>Static</title></head><body>Plain page</body></html>")
    result = await collect(fake_site, max_requests=3)
    assert result.status is Status.OK
    assert result.summary == "no WordPress, Drupal, Joomla or TYPO3 recognised"
    assert result.attachments["inventory"].cms is None
    assert len(fake_site.requests) == 3


async def test_every_run_stays_within_eight_requests(fake_site: FakeSite) -> None:
    fake_site.set("/", body="<html><body>nothing</body></html>")
    await collect(fake_site)
    assert len(fake_site.requests) <= 8


async def test_unreachable_home_page_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/", body="x", delay=2.0)
    result = await collect(fake_site, timeout=0.3)
    assert result.status is Status.ERROR and result.summary.startswith("timed out")


async def test_error_page_without_a_cms_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/", status=503, body="<html><body>Service Unavailable</body></html>")
    result = await collect(fake_site, max_requests=1)
    assert result.status is Status.ERROR
    assert result.summary == "status 503 on the home page; no CMS recognised"
