"""cms_health: every transport flavour, schema tolerance, status mapping and failure classes on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import trustme
from pydantic import SecretStr, ValidationError

from sitewarden.inventory.cms_health import CmsHealthCollector, CmsHealthParams, schema_violations
from sitewarden.probes.base import ProbeContext, SiteInfo
from sitewarden.results import Result, Status
from sitewarden.transport.http import HttpClient
from sitewarden.transport.options import HttpOptions
from sitewarden.transport.tls import TlsContexts
from tests.fixtures.servers import FakeSite, Serve, server_context

TOKEN = "Wp7tokenAbcdefgh12"
UUID = "3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
DATA = Path(__file__).parent.parent / "data" / "inventory"
HEALTH = "application/health+json"


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "cms_health_example.json").read_text())
    return data


def context(url: str, timeout: float = 5.0) -> ProbeContext:
    return ProbeContext(http=HttpClient(), site=SiteInfo(name="wp", url=url), timeout=timeout)


async def collect(url: str, timeout: float = 5.0, **params: Any) -> Result:
    params.setdefault("allow_http", True)
    return await CmsHealthCollector().run(CmsHealthParams(**params), context(url, timeout))


def passing() -> dict[str, Any]:
    return {
        "status": "pass",
        "version": "1",
        "serviceId": "wp.example.org",
        "description": "Health of WordPress website",
        "checks": {
            "WordPress:Version": [
                {"componentId": "a1", "componentType": "system", "observedValue": "6.4.3", "status": "info"}
            ],
            "WordPress:DirectorySize": [
                {
                    "componentId": "a2",
                    "componentType": "system",
                    "observedValue": "25",
                    "observedUnit": "GB",
                    "status": "pass",
                }
            ],
        },
    }


def assert_no_token(result: Result) -> None:
    assert TOKEN not in json.dumps(result.as_dict(), default=str)


def test_weak_tokens_are_refused() -> None:
    for token, problem in (
        ("Short1a", "at least 16 characters"),
        ("alllowercase12345", "an upper-case letter"),
        ("NoDigitsAtAllHereX", "a digit"),
    ):
        with pytest.raises(ValidationError) as caught:
            CmsHealthParams(kind="cms_health", token=token)
        assert problem in str(caught.value)
        assert token not in str(caught.value)


def test_token_is_required_by_token_flavours_and_plain_http_refused() -> None:
    with pytest.raises(ValidationError, match="flavour spec needs a 'token'"):
        CmsHealthParams(kind="cms_health", flavour="spec")
    with pytest.raises(ValidationError, match="refusing to send the token over plain http"):
        CmsHealthParams(kind="cms_health", token=TOKEN, url="http://wp.example.org/health")
    assert CmsHealthParams(kind="cms_health", token=TOKEN, url="http://wp.example.org/health", allow_http=True)
    assert CmsHealthParams(kind="cms_health", flavour="wordpress")
    with pytest.raises(ValidationError, match="needs 'reaction'"):
        CmsHealthParams(kind="cms_health", flavour="typo3", token=TOKEN)


def test_token_over_the_sites_plain_http_url_is_a_config_error() -> None:
    from sitewarden.config.loader import parse_config
    from sitewarden.errors import ConfigErrors

    text = f"sites:\n  - {{name: wp, url: 'http://wp.example.org/', checks: [{{kind: cms_health, token: {TOKEN}}}]}}\n"
    with pytest.raises(ConfigErrors) as caught:
        parse_config(text, "c.yaml")
    assert "checks[0]: refusing to send the token over plain http://" in str(caught.value)
    assert TOKEN not in str(caught.value)


async def test_spec_flavour_gets_with_bearer_and_names(fake_site: FakeSite) -> None:
    fake_site.set("/health-checks", body=json.dumps(passing()), content_type=HEALTH)
    result = await collect(fake_site.url, token=TOKEN, names=["WordPress:Version"])
    assert result.status is Status.OK, result.summary
    request = fake_site.requests[-1]
    assert request["method"] == "GET"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert parse_qs(request["query"]) == {"names[]": ["WordPress:Version"]}
    snapshot = result.attachments["inventory"]
    assert (snapshot.cms, snapshot.cms_version) == ("wordpress", "6.4.3")
    assert result.metric("WordPress:DirectorySize") == 25.0
    assert result.summary == "pass: 2 checks; wordpress 6.4.3"
    assert_no_token(result)


async def test_proposal_flavour_posts_the_token(fake_site: FakeSite) -> None:
    fake_site.set("/health-checks", body=json.dumps(passing()), content_type="application/json")
    result = await collect(fake_site.url, token=TOKEN, flavour="proposal")
    assert result.status is Status.OK
    request = fake_site.requests[-1]
    assert (request["method"], request["headers"]["Authorization"]) == ("POST", f"Bearer {TOKEN}")


async def test_typo3_flavour_posts_to_the_reaction_with_api_key(fake_site: FakeSite) -> None:
    document = passing()
    document["checks"] = {
        "TYPO3:Version": [{"componentId": "x", "componentType": "system", "observedValue": "13.4.5", "status": "info"}]
    }
    fake_site.set(f"/typo3/reaction/{UUID}", body=json.dumps(document), content_type="application/json")
    result = await collect(fake_site.url, token=TOKEN, flavour="typo3", reaction=UUID)
    assert result.status is Status.OK
    request = fake_site.requests[-1]
    assert request["method"] == "POST" and request["headers"]["x-api-key"] == TOKEN
    assert "Authorization" not in request["headers"]
    snapshot = result.attachments["inventory"]
    assert (snapshot.cms, snapshot.cms_version) == ("typo3", "13.4.5")


async def test_wordpress_flavour_sends_the_raw_token_and_reads_the_php_version(fake_site: FakeSite) -> None:
    import hashlib

    php_id = hashlib.md5(b"wordpress:php:version").hexdigest()
    document = {
        "status": "warn",
        "version": "1",
        "serviceId": "https://wp.example.org",
        "description": "",
        "checks": {
            "wordpress:version": [
                {
                    "componentId": hashlib.md5(b"wordpress:core:version").hexdigest(),
                    "componentType": "system",
                    "observedValue": "6.4.2",
                    "status": "warn",
                    "output": "WordPress is not at the latest version (Current: 6.4.2)",
                },
                {
                    "componentId": php_id,
                    "componentType": "system",
                    "observedValue": "8.2.15",
                    "status": "pass",
                    "output": "PHP version (8.2.15) meets recommendations",
                },
            ],
            "wordpress:plugins:active": [
                {"componentId": "p", "componentType": "system", "observedValue": 12, "status": "info"}
            ],
        },
    }
    fake_site.set("/wp-json/cms-health/v1/health", body=json.dumps(document), content_type="application/json")
    result = await collect(fake_site.url, token=TOKEN, flavour="wordpress")
    assert fake_site.requests[-1]["headers"]["Authorization"] == TOKEN
    snapshot = result.attachments["inventory"]
    assert (snapshot.cms_version, snapshot.php_version) == ("6.4.2", "8.2.15")
    # observedValue 12 is an int: the schema wants a string, the prose allows any JSON value.
    assert result.status is Status.WARNING
    assert "schema: checks.wordpress:plugins:active[0].observedValue: 12 is not of type 'string'" in result.summary
    assert result.metric("wordpress:plugins:active") == 12.0


async def test_readme_example_maps_fail_entries_and_keeps_info_as_data(fake_site: FakeSite) -> None:
    fake_site.set("/health-checks", body=json.dumps(example()), content_type=HEALTH)
    result = await collect(fake_site.url, token=TOKEN)
    # The example's top-level status says pass although two checks fail: the worst wins.
    assert result.status is Status.ERROR
    assert result.summary.startswith("pass: 9 checks, 5 not passing; WordPress:OutdatedPlugins fail: Some plugins")
    checks = {entry["name"]: entry for entry in result.details["checks"]}
    assert checks["WordPress:LastUserLoginTime"]["status"] == "info"
    assert result.metric("WordPress:Version.status") is None  # info entries with text values are data only
    assert result.metric("WordPress:OutdatedPlugins") == 5.0
    assert result.metric("WordPress:UserMfaActivated#2.status") == 1.0
    assert not result.details.get("schema_violations")


async def test_fail_with_503_is_error(fake_site: FakeSite) -> None:
    document = passing() | {"status": "fail"}
    document["checks"]["doctrine:connection"] = [
        {
            "componentId": "database",
            "componentType": "dummy_select",
            "status": "fail",
            "output": "An exception occurred in the driver",
            "observedValue": "0",
            "observedUnit": "ms",
        }
    ]
    fake_site.set("/health-checks", status=503, body=json.dumps(document), content_type=HEALTH)
    result = await collect(fake_site.url, token=TOKEN)
    assert result.status is Status.ERROR
    assert result.summary.startswith("fail: 3 checks, 1 not passing; doctrine:connection fail: An exception occurred")


async def test_503_with_a_passing_document_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/health-checks", status=503, body=json.dumps(passing()), content_type=HEALTH)
    result = await collect(fake_site.url, token=TOKEN)
    assert result.status is Status.ERROR
    assert "status 503 though the document says pass" in result.summary


async def test_schema_violation_is_accepted_with_a_warning(fake_site: FakeSite) -> None:
    document = passing()
    del document["serviceId"]
    fake_site.set("/health-checks", body=json.dumps(document), content_type=HEALTH)
    result = await collect(fake_site.url, token=TOKEN)
    assert result.status is Status.WARNING
    assert "schema: (document): 'serviceId' is a required property" in result.summary
    assert result.attachments["inventory"].cms_version == "6.4.3"


@pytest.mark.parametrize("code", [401, 403])
async def test_refused_token_is_error(fake_site: FakeSite, code: int) -> None:
    fake_site.set("/health-checks", status=code, body='{"message": "invalid token"}', content_type="application/json")
    result = await collect(fake_site.url, token=TOKEN)
    assert (result.status, result.summary) == (Status.ERROR, f"token refused (status {code})")


async def test_html_error_page_is_error(fake_site: FakeSite) -> None:
    fake_site.set(
        "/health-checks", status=500, body="<html><head><title>500 Internal Server Error</title></head></html>"
    )
    result = await collect(fake_site.url, token=TOKEN)
    assert result.status is Status.ERROR
    assert result.summary == "status 500, HTML page instead of JSON (title '500 Internal Server Error')"


async def test_redirect_to_a_login_page_is_not_followed_with_the_token(fake_site: FakeSite) -> None:
    fake_site.set("/health-checks", status=302, headers={"Location": "/wp-login.php"}, body="")
    fake_site.set("/wp-login.php", body="<html><title>Log In</title></html>")
    result = await collect(fake_site.url, token=TOKEN)
    assert result.status is Status.ERROR
    assert result.summary == "status 302, redirected to /wp-login.php (a login page?)"
    assert fake_site.behaviours["/wp-login.php"].hits == 0


async def test_malformed_document_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/health-checks", body='{"status": "sunny"}', content_type=HEALTH)
    result = await collect(fake_site.url, token=TOKEN)
    assert (result.status, result.summary) == (Status.ERROR, "malformed data: status 'sunny' is not pass, warn or fail")


async def test_timeout_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/health-checks", body=json.dumps(passing()), content_type=HEALTH, delay=2.0)
    result = await collect(fake_site.url, timeout=0.3, token=TOKEN)
    assert result.status is Status.ERROR and result.summary.startswith("timed out")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ('{"status": "UP"}', Status.OK),
        ('{"status": "ok", "checks": {"db:responseTime": [{"status": "Warn", "observedValue": 250}]}}', Status.WARNING),
        ('{"status": "DOWN"}', Status.ERROR),
        ('{"status": "Error", "output": "db down"}', Status.ERROR),
    ],
)
async def test_ietf_health_and_status_up_shapes_are_read_case_insensitively(
    fake_site: FakeSite, body: str, status: Status
) -> None:
    fake_site.set("/health", body=body, content_type=HEALTH)
    result = await collect(fake_site.url, flavour="ietf")
    assert result.status is status, result.summary
    assert "schema_violations" not in result.details


async def test_https_endpoint_with_token_works_without_allow_http(serve: Serve, tls_ca: trustme.CA) -> None:
    from aiohttp import web

    async def health(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        return web.Response(text=json.dumps(passing()), content_type="application/json")

    app = web.Application()
    app.router.add_get("/health-checks", health)
    url = await serve(app, ssl_context=server_context(tls_ca))
    ca_file = Path(__file__).parent / "_ca.pem"
    try:
        tls_ca.cert_pem.write_to_path(str(ca_file))
        ctx = ProbeContext(
            http=HttpClient(TlsContexts()), site=SiteInfo(name="wp", url=url, http=HttpOptions(ca_file=ca_file))
        )
        result = await CmsHealthCollector().run(CmsHealthParams(kind="cms_health", token=SecretStr(TOKEN)), ctx)
    finally:
        ca_file.unlink(missing_ok=True)
    assert result.status is Status.OK, result.summary


def test_shipped_schema_accepts_the_format_example() -> None:
    assert schema_violations(example()) == []
