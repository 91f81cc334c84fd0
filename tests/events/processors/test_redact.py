"""Redact: no known secret, secret-named payload value or URL password leaves in a message."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from sitewarden.config.loader import parse_config
from sitewarden.config.overlay import with_store_sites
from sitewarden.events.delivery import build_message
from sitewarden.events.message import template_environment
from sitewarden.events.model import Severity
from sitewarden.events.processors.base import ProcessorContext
from sitewarden.events.processors.redact import RedactParams, RedactProcessor
from sitewarden.secrets import MASK, register_secret
from tests.events.processors.items import item


def test_params_take_more_keys_and_nothing_else() -> None:
    assert RedactParams.model_validate({"kind": "redact", "keys": ["customer_id"]}).keys == ["customer_id"]
    with pytest.raises(ValidationError):
        RedactParams.model_validate({"kind": "redact", "patterns": ["x"]})


def test_registered_secrets_are_masked_in_message_and_payload_and_the_original_is_kept() -> None:
    secret = f"Registered-{uuid.uuid4().hex}"
    register_secret(secret)
    original = item("shop", message=f"refused {secret}", payload={"summary": f"said {secret}", "tries": [secret, 3]})
    [clean] = RedactProcessor().process(RedactParams(), [original], ProcessorContext())
    assert clean.event.message == f"refused {MASK}"
    assert clean.event.payload == {"summary": f"said {MASK}", "tries": [MASK, 3]}
    assert secret in original.event.message


def test_secret_named_keys_extra_keys_and_url_passwords_are_masked() -> None:
    payload = {
        "api_key": "k-123456",
        "details": {"Authorization": "Bearer abcdef", "customer_id": "C-42", "empty_token": ""},
        "url": "https://mon:pass-in-url@shop.example.org/health?token=t-987654",
        "status": "error",
    }
    params = RedactParams.model_validate({"kind": "redact", "keys": ["Customer_ID"]})
    [clean] = RedactProcessor().process(params, [item("shop", payload=payload)], ProcessorContext())
    assert clean.event.payload == {
        "api_key": MASK,
        "details": {"Authorization": MASK, "customer_id": MASK, "empty_token": ""},
        "url": f"https://mon:{MASK}@shop.example.org/health?token={MASK}",
        "status": "error",
    }


def test_the_secrets_of_a_store_defined_site_are_masked() -> None:
    secret = f"StoreSite-{uuid.uuid4().hex}"
    config = parse_config("sites: []\n", "c.yaml")
    definition = {"name": "api-site", "url": "https://api-site.example.org/", "secret": secret}
    [site] = with_store_sites(config, [definition]).sites
    assert site.secret is not None and site.secret.get_secret_value() == secret
    [clean] = RedactProcessor().process(RedactParams(), [item("api-site", message=f"saw {secret}")], ProcessorContext())
    assert clean.event.message == f"saw {MASK}"


def test_a_rendered_message_of_a_redacting_target_carries_no_secret() -> None:
    secret = f"Rendered-{uuid.uuid4().hex}"
    register_secret(secret)
    config = parse_config(
        """
targets:
  - name: ops
    processors: [{kind: redact}]
    handlers: [{kind: webhook, url: "http://127.0.0.1:9/hook"}]
""",
        "c.yaml",
    )
    [target] = config.targets
    raw = [("event", Severity.ERROR, item("shop", message=f"down, said {secret}", payload={"body": secret}).event)]
    message = build_message(template_environment(), target, target.handlers[0], raw, ProcessorContext(), "m1")
    assert "down, said" in message.text
    assert secret not in message.text + message.html + message.subject + repr(message.as_dict())
