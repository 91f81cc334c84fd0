"""The secrets module: secrets found by the models' marks, registered once, blanked by the one redaction."""

from __future__ import annotations

import logging
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from sitewarden.config.loader import parse_config
from sitewarden.config.plan import plan_checks
from sitewarden.logs import setup_logging
from sitewarden.results import Result, Status
from sitewarden.secrets import (
    MASK,
    forms,
    redact,
    redact_result,
    redact_value,
    reference_values,
    register_secret,
    register_secrets,
    secret_fields,
    secrets_of,
)


def fresh(prefix: str = "Secret") -> str:
    """A value no other test registered, so what a test sees comes from its own registration."""
    return f"{prefix}+{uuid.uuid4().hex}/Z"


def test_a_registered_secret_is_blanked_raw_and_url_encoded() -> None:
    value = fresh()
    text = f"a {value} b {quote(value, safe='')} c {quote_plus(value)}"
    assert redact(text) == text
    register_secret(value)
    assert redact(text) == f"a {MASK} b {MASK} c {MASK}"


def test_values_too_short_to_mask_are_not_registered() -> None:
    register_secret("abc")
    assert redact("abc abcd") == "abc abcd"
    assert forms("abc", None, "") == ()


def test_url_passwords_and_secret_query_values_are_blanked_without_registration() -> None:
    text = "GET https://mon:hunter2hunter2@shop.example.org:8443/x?eID=t3&secret=abc123&page=2 failed"
    assert redact(text) == f"GET https://mon:{MASK}@shop.example.org:8443/x?eID=t3&secret={MASK}&page=2 failed"
    assert redact("http://shop.example.org:8080/path@v2") == "http://shop.example.org:8080/path@v2"


def test_only_the_given_values_are_blanked_when_values_are_given() -> None:
    registered, own = fresh("Registered"), fresh("Own")
    register_secret(registered)
    assert redact(f"{registered} {own}", forms(own)) == f"{registered} {MASK}"


def test_secrets_are_found_by_the_models_marks_wherever_they_sit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "Bearer hook-token-value")
    config = parse_config(
        """
sites:
  - name: shop
    url: https://shop.example.org/
    secret: site-secret-value
    http: {basic_auth: {user: mon, password: basic-password-value}}
    checks:
      - {kind: cms_health, name: health, token: HealthToken0123456789Abc}
      - {kind: command, name: plugin, command: [/bin/true], env: {API_KEY: command-env-value}}
      - {kind: http, name: web}
targets:
  - name: ops
    handlers:
      - {kind: webhook, url: "https://hooks.example.org/abc", headers: {Authorization: "${HOOK_TOKEN}"}}
""",
        "c.yaml",
    )
    values = sorted(field.get_secret_value() for field in secret_fields(config))
    assert values == sorted(
        [
            "site-secret-value",
            "basic-password-value",
            "HealthToken0123456789Abc",
            "command-env-value",
            "https://hooks.example.org/abc",
            "Bearer hook-token-value",
        ]
    )
    assert register_secrets(config) == 6
    assert redact("sent command-env-value") == f"sent {MASK}"


def test_a_check_carries_the_forms_of_its_own_and_its_sites_secrets_only() -> None:
    config = parse_config(
        """
sites:
  - {name: a, url: "https://a.example.org/", secret: a-site-secret, checks: [{kind: http, name: web}]}
  - {name: b, url: "https://b.example.org/", checks: [{kind: http, name: web}]}
""",
        "c.yaml",
    )
    specs = {spec.key: spec for spec in plan_checks(config)}
    assert specs["a/web"].secrets == ("a-site-secret",)
    assert specs["b/web"].secrets == ()
    assert secrets_of(config.sites[1]) == ()


def test_reference_values_are_resolved_for_redaction(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("FileToken0123456789abcXYZ\n")
    monkeypatch.setenv("SHOP_SECRET", "from-the-environment")
    definition = {
        "name": "shop",
        "url": "https://shop.example.org/",
        "secret": "${SHOP_SECRET}",
        "http": {"basic_auth": {"user": "mon", "password": "raw-password"}},
        "checks": [{"kind": "cms_health", "name": "a", "token": f"file:{tmp_path / 'secret'}"}],
    }
    assert set(reference_values(definition)) >= {"from-the-environment", "FileToken0123456789abcXYZ"}


def test_redact_value_masks_secret_named_keys_only_when_asked() -> None:
    value = {"url": "https://u:pw-in-url@x.example.org/", "password": "p4ss", "passwords": [], "n": 3}
    url = f"https://u:{MASK}@x.example.org/"
    assert redact_value(value) == {"url": url, "password": "p4ss", "passwords": [], "n": 3}
    assert redact_value(value, by_key=True, keys=["N"]) == {"url": url, "password": MASK, "passwords": [], "n": MASK}


def test_a_result_keeps_none_of_the_given_secrets() -> None:
    own = forms("ProbeEcho0123456789")
    result = Result(Status.ERROR, "said ProbeEcho0123456789", details={"body": ["x ProbeEcho0123456789"], "n": 1})
    redact_result(result, own)
    assert result.summary == f"said {MASK}"
    assert result.details == {"body": [f"x {MASK}"], "n": 1}


def test_log_lines_and_tracebacks_carry_no_registered_secret() -> None:
    value = fresh("Logged")
    register_secret(value)
    stream = StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    setup_logging("INFO", stream)
    try:
        logger = logging.getLogger("sitewarden.test")
        logger.info("connecting with password=%s", value)
        try:
            raise ValueError(f"refused {value}")
        except ValueError:
            logger.exception("failed")
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
    text = stream.getvalue()
    assert "connecting with password=" in text and "refused" in text
    assert value not in text
