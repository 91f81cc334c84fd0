"""typo3_client: the t3monitoring_client protocol against a loopback site, including every failure class."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pydantic import SecretStr

from sitewarden.config.loader import parse_config
from sitewarden.errors import ConfigErrors
from sitewarden.inventory.model import InventorySnapshot
from sitewarden.inventory.typo3_client import Typo3ClientCollector, Typo3ClientParams
from sitewarden.probes.base import ProbeContext, SiteInfo
from sitewarden.results import FailureClass, Status
from sitewarden.transport.http import HttpClient
from sitewarden.transport.options import BasicAuth, HttpOptions
from tests.fixtures.servers import FakeSite

SECRET = "s3cr3t&Value/with+chars-7f3a9c"
DATA = Path(__file__).parent.parent / "data" / "inventory"


def context(
    site: FakeSite, *, secret: str = SECRET, http: HttpOptions | None = None, timeout: float = 5.0
) -> ProbeContext:
    info = SiteInfo(name="t3", url=site.url, http=http or HttpOptions(), secret=SecretStr(secret))
    return ProbeContext(http=HttpClient(), site=info, timeout=timeout)


def client_json() -> str:
    return (DATA / "t3monitoring_client.json").read_text()


def assert_no_secret(result: object) -> None:
    text = json.dumps(result.as_dict(), default=str)  # type: ignore[attr-defined]
    for form in (SECRET, "s3cr3t%26Value%2Fwith%2Bchars-7f3a9c"):
        assert form not in text


async def run(ctx: ProbeContext, **params: object) -> object:
    return await Typo3ClientCollector().run(Typo3ClientParams(**params), ctx)


async def test_client_answer_becomes_a_snapshot(fake_site: FakeSite) -> None:
    fake_site.set("/index.php", body=client_json(), content_type="application/json", headers={"Server": "nginx/1.24.0"})
    ctx = context(fake_site)
    result = await run(ctx)
    assert result.status is Status.OK, result.summary
    assert result.summary == "TYPO3 12.4.10, PHP 8.2.15, 3 extensions"
    snapshot = result.attachments["inventory"]
    assert isinstance(snapshot, InventorySnapshot)
    assert (snapshot.cms, snapshot.cms_version, snapshot.cms_version_precision) == ("typo3", "12.4.10", "exact")
    assert (snapshot.database_kind, snapshot.database_version) == ("mariadb", "10.11.6")
    assert snapshot.web_server == "nginx/1.24.0"
    news = snapshot.component("extension", "news")
    assert news is not None and (news.version, news.active, news.title) == ("11.3.0", True, "News system")
    gallery = snapshot.component("extension", "old_gallery")
    assert gallery is not None and gallery.active is False
    assert snapshot.origins["cms_version"].source == "typo3_client"
    assert result.metric("extensions_loaded") == 2
    assert result.metric("disk_free_bytes") == 52155441152
    request = fake_site.requests[-1]
    assert parse_qs(request["query"]) == {"eID": ["t3monitoring"], "secret": [SECRET]}
    assert request["headers"]["Accept"] == "application/json"
    assert "secret=**********" in result.details["url"]
    assert_no_secret(result)
    assert SECRET not in "\n".join(ctx.log)


async def test_site_options_are_sent_as_t3monitoring_does(fake_site: FakeSite) -> None:
    fake_site.set("/index.php", body=client_json(), content_type="application/json")
    options = HttpOptions(
        basic_auth=BasicAuth(user="mon", password=SecretStr("pw-123456")), host_header="t3.example.org"
    )
    result = await run(context(fake_site, http=options))
    assert result.status is Status.OK
    headers = fake_site.requests[-1]["headers"]
    assert headers["Host"] == "t3.example.org"
    assert headers["Authorization"].startswith("Basic ")


async def test_wrong_secret_is_error_without_echoing_the_secret(fake_site: FakeSite) -> None:
    # With enableDebugForErrors the client echoes what it received.
    fake_site.set("/index.php", status=403, body=f'Secret wrong, provided was "{SECRET}"', content_type="text/plain")
    result = await run(context(fake_site))
    assert result.status is Status.ERROR
    assert result.summary.startswith("access refused (status 403): wrong secret")
    assert 'provided was "**********"' in result.summary
    assert_no_secret(result)


async def test_empty_403_is_a_wrong_secret(fake_site: FakeSite) -> None:
    fake_site.set("/index.php", status=403, body="", content_type="text/plain")
    result = await run(context(fake_site))
    assert result.status is Status.ERROR
    assert result.summary == "access refused (status 403): wrong secret or this IP is not allowed"


async def test_missing_extension_404_is_error(fake_site: FakeSite) -> None:
    result = await run(context(fake_site))
    assert result.status is Status.ERROR
    assert "t3monitoring_client extension does not answer" in result.summary


async def test_html_page_instead_of_json_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/index.php", body="<!DOCTYPE html><html><head><title>Oops, an error occurred!</title></head></html>")
    result = await run(context(fake_site))
    assert result.status is Status.ERROR
    assert result.summary.startswith("HTML page instead of JSON (title 'Oops, an error occurred!')")
    assert "attachments" not in result.as_dict() and not result.attachments


async def test_redirect_to_a_login_page_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/index.php", status=302, headers={"Location": "/login"}, body="")
    fake_site.set("/login", body="<html><head><title>Login</title></head><body><form></form></body></html>")
    result = await run(context(fake_site))
    assert result.status is Status.ERROR
    assert "after a redirect to" in result.summary and "/login" in result.summary
    assert all("secret=**********" in url for url in result.details["redirects"])
    assert_no_secret(result)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"core": {"phpVersion": "8.2.1"}}', "malformed data: no core.typo3Version"),
        ('{"error": "No providers"}', "the TYPO3 client reports an error: No providers"),
        ('{"core": {"typo3Version": "12.4', "malformed JSON"),
        ("[1, 2]", "malformed data: no core.typo3Version"),
        ("[" * 100_000 + "]" * 100_000, "malformed JSON (nested too deeply)"),
        ('{"core": {"typo3Version": "12.4.2", "load": NaN}}', "malformed JSON (NaN is not JSON (RFC 8259))"),
        ('{"core": {"typo3Version": "12.4.2"}, "core": {}}', "malformed JSON (duplicate key 'core')"),
        ('{"core": {"typo3Version": "12.4.2"}} <!-- cached -->', "malformed JSON (trailing data after the JSON value"),
    ],
    ids=[
        "no-version",
        "client-error",
        "truncated",
        "not-an-object",
        "nested-too-deeply",
        "nan",
        "duplicate",
        "trailing",
    ],
)
async def test_malformed_data_is_error(fake_site: FakeSite, body: str, expected: str) -> None:
    fake_site.set("/index.php", body=body, content_type="application/json")
    result = await run(context(fake_site))
    assert result.status is Status.ERROR
    assert result.summary.startswith(expected)
    if expected.startswith("malformed JSON"):
        assert result.failure is FailureClass.CONTENT


async def test_malformed_extension_entries_are_skipped_not_fatal(fake_site: FakeSite) -> None:
    data = json.loads(client_json())
    data["extensions"]["broken"] = "not an object"
    fake_site.set("/index.php", body=json.dumps(data), content_type="application/json")
    result = await run(context(fake_site))
    assert result.status is Status.OK
    assert result.details["problems"] == ["extension broken: not an object"]
    assert "1 malformed entry skipped" in result.summary


async def test_danger_reports_are_a_warning(fake_site: FakeSite) -> None:
    data = json.loads(client_json())
    data["extra"]["danger"] = {"Install Tool - Enabled": "The Install Tool is permanently enabled."}
    fake_site.set("/index.php", body=json.dumps(data), content_type="application/json")
    result = await run(context(fake_site))
    assert result.status is Status.WARNING
    assert "1 danger report(s), first: Install Tool - Enabled" in result.summary
    assert result.attachments["inventory"].extra["danger"]


async def test_timeout_is_error(fake_site: FakeSite) -> None:
    fake_site.set("/index.php", body=client_json(), content_type="application/json", delay=2.0)
    result = await run(context(fake_site, timeout=0.3))
    assert result.status is Status.ERROR
    assert result.summary.startswith("timed out")
    assert_no_secret(result)


def test_config_needs_the_site_secret() -> None:
    text = "sites:\n  - name: t3\n    url: https://t3.example.org/\n    checks: [{kind: typo3_client}]\n"
    with pytest.raises(ConfigErrors) as caught:
        parse_config(text, "t.yaml")
    assert "a typo3_client check needs the site's 'secret'" in str(caught.value)
    assert str(caught.value).startswith("t.yaml:2: sites[0]: checks[0]:")


def test_config_takes_the_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T3_SECRET", SECRET)
    text = (
        "sites:\n  - {name: t3, url: https://t3.example.org/, secret: '${T3_SECRET}',"
        " checks: [{kind: typo3_client, name: inventory}]}\n"
    )
    config = parse_config(text, "t.yaml")
    site = config.sites[0]
    assert site.secret is not None and site.secret.get_secret_value() == SECRET
    assert SECRET not in repr(site)
