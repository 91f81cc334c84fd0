from __future__ import annotations

import json
from typing import Any

from sitewarden.probes.json_probe import JsonParams, JsonProbe
from sitewarden.results import Status
from tests.fixtures.servers import FakeSite
from tests.probes.conftest import MakeContext, config_errors, load_check

HEALTH = {"status": "ok", "checks": {"db": [{"latency": 12}], "cache": "up"}, "queue": 3}


def _check(rules: dict[str, Any] | None = None, url: str = "/health", **more: Any) -> JsonParams:
    return JsonParams.model_validate({"kind": "json", "url": url, "rules": rules or {}, **more})


def test_rules_are_parsed_when_the_config_loads() -> None:
    check = load_check(
        """
        - kind: json
          url: https://api.example.org/health
          rules:
            error: ["status: ^fail$"]
            warning: ["latency: >500"]
            ok: {checks.db.0.latency: "[0,20]"}
        """
    )
    assert [str(rule) for rule in check.rules.error] == ["status: ^fail$"]
    assert check.rules.ok[0].interval is not None


def test_bad_regex_is_a_config_error_with_its_place() -> None:
    errors = config_errors(
        """
        - kind: json
          url: https://api.example.org/health
          rules:
            error: ["status: (fail"]
        """
    )
    assert errors.startswith("sitewarden.yaml:5: checks[0].rules.error[0]: 'status: (fail'") or (
        "checks[0].rules.error[0]" in errors and "not a valid regular expression" in errors
    ), errors


def test_unknown_rule_set_is_a_config_error() -> None:
    errors = config_errors("- {kind: json, url: 'https://a.example/', rules: {critical: ['a: 1']}}")
    assert "checks[0].rules.critical: unknown key 'critical'" in errors


async def test_healthy_document_is_ok(fake_site: FakeSite, probe_context: MakeContext) -> None:
    fake_site.set("/health", body=json.dumps(HEALTH), content_type="application/json")
    check = _check({"error": ["status: ^fail$"], "ok": ["checks.db.0.latency: [0,20]", "checks.cache: ^up$"]})
    result = await JsonProbe().run(check, probe_context(site_url=fake_site.url))
    assert result.status is Status.OK, result.summary
    assert result.summary == "all 3 rules passed"
    assert result.metric("checks.db.0.latency") == 12


async def test_warning_and_error_rules_pick_the_worst(fake_site: FakeSite, probe_context: MakeContext) -> None:
    fake_site.set(
        "/health", body=json.dumps(HEALTH | {"status": "fail", "queue": 900}), content_type="application/json"
    )
    check = _check({"error": ["status: ^fail$"], "warning": ["queue: >500"]})
    result = await JsonProbe().run(check, probe_context(site_url=fake_site.url))
    assert result.status is Status.ERROR
    assert result.summary == 'error rule matched: status = "fail" (rule status: ^fail$) (and 1 more)'
    assert {rule["rule"]: rule["held"] for rule in result.details["rules"]} == {
        "status: ^fail$": True,
        "queue: >500": True,
    }


async def test_missing_path_in_ok_rules_is_a_clear_error(fake_site: FakeSite, probe_context: MakeContext) -> None:
    fake_site.set("/health", body=json.dumps({"status": "ok"}), content_type="application/json")
    check = _check({"ok": ["checks.db.0.latency: <100"]})
    result = await JsonProbe().run(check, probe_context(site_url=fake_site.url))
    assert result.status is Status.ERROR
    assert result.summary == "ok rule failed: checks.db.0.latency: path not found"


async def test_malformed_json_is_an_error_not_an_exception(fake_site: FakeSite, probe_context: MakeContext) -> None:
    fake_site.set("/health", body='{"status": "ok",', content_type="application/json")
    result = await JsonProbe().run(_check(), probe_context(site_url=fake_site.url))
    assert result.status is Status.ERROR
    assert result.summary.startswith("body is not JSON: Expecting")


async def test_json_nested_too_deeply_is_an_error_not_an_exception(
    fake_site: FakeSite, probe_context: MakeContext
) -> None:
    fake_site.set("/health", body="[" * 200_000 + "]" * 200_000, content_type="application/json")
    result = await JsonProbe().run(_check(), probe_context(site_url=fake_site.url))
    assert result.status is Status.ERROR
    assert result.summary == "body is not JSON: nested too deeply"


async def test_html_error_page_is_not_json(fake_site: FakeSite, probe_context: MakeContext) -> None:
    fake_site.set("/health", body="<html>Bad gateway</html>")
    result = await JsonProbe().run(_check(), probe_context(site_url=fake_site.url))
    assert result.status is Status.ERROR and result.summary.startswith("body is not JSON")


async def test_unexpected_status_is_an_error(fake_site: FakeSite, probe_context: MakeContext) -> None:
    fake_site.set("/health", status=503, body="{}", content_type="application/json")
    result = await JsonProbe().run(_check(), probe_context(site_url=fake_site.url))
    assert (result.status, result.summary) == (Status.ERROR, "status 503, expected 200-299")


async def test_site_http_options_are_sent(fake_site: FakeSite, probe_context: MakeContext) -> None:
    from sitewarden.transport.options import HttpOptions

    fake_site.set("/health", body="{}", content_type="application/json")
    ctx = probe_context(site_url=fake_site.url)
    assert ctx.site is not None
    ctx.site.http = HttpOptions(headers={"X-Site": "shop"})
    check = _check(headers={"X-Check": "1"})
    result = await JsonProbe().run(check, ctx)
    assert result.status is Status.OK
    sent = fake_site.requests[-1]["headers"]
    assert sent["X-Site"] == "shop" and sent["X-Check"] == "1"


async def test_refused_port_is_an_error(probe_context: MakeContext) -> None:
    from tests.fixtures.servers import free_port

    check = _check(url=f"http://127.0.0.1:{free_port()}/health")
    result = await JsonProbe().run(check, probe_context())
    assert result.status is Status.ERROR
    assert result.summary.startswith("connection refused")
