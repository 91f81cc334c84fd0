"""Webhook handler: params, the JSON body received, a receiver that fails twice then accepts, permanent 4xx."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from sitewarden.events.handlers.webhook import WebhookParams
from tests.events.handlers.delivery_kit import deliver_one
from tests.fixtures.receivers import HookReceiver


def test_webhook_url_must_be_http() -> None:
    with pytest.raises(ValidationError, match="absolute http"):
        WebhookParams.model_validate({"kind": "webhook", "url": "ftp://example.org/"})


def test_webhook_params_hide_url_and_headers() -> None:
    params = WebhookParams.model_validate(
        {"kind": "webhook", "url": "https://hooks.example.org/T0KEN123", "headers": {"Authorization": "Bearer abcdef"}}
    )
    assert "T0KEN123" not in repr(params) and "abcdef" not in repr(params)


async def test_receiver_failing_twice_gets_the_message_on_the_third_attempt(
    sqlite_url: str, hook_receiver: HookReceiver
) -> None:
    hook_receiver.failures = 2
    handler = f'{{kind: webhook, url: "{hook_receiver.url}", backoff: 5s, headers: {{X-Token: abc}}}}'
    database, rows = await deliver_one(handler, sqlite_url)
    assert len(hook_receiver.requests) == 3 and len(hook_receiver.accepted) == 1
    assert rows[0]["state"] == "sent" and rows[0]["attempts"] == 3
    attempts = rows[0]["attempt_rows"]
    assert isinstance(attempts, list)
    assert [row["ok"] for row in attempts] == [False, False, True]
    assert attempts[0]["error"] == "webhook answered status 503"
    request = hook_receiver.accepted[0]
    assert request["headers"]["X-Token"] == "abc" and request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Idempotency-Key"] == hook_receiver.requests[0]["headers"]["Idempotency-Key"]
    body = json.loads(request["body"])
    assert set(body) == {"sitewarden", "id", "target", "subject", "severity", "text", "counts", "events"}
    assert body["severity"] == "error" and body["events"][0]["channel"] == "site.site000.web"
    database.close()


async def test_permanent_refusal_is_not_retried(sqlite_url: str, hook_receiver: HookReceiver) -> None:
    hook_receiver.failures, hook_receiver.fail_with = 10, 404
    database, rows = await deliver_one(f'{{kind: webhook, url: "{hook_receiver.url}"}}', sqlite_url)
    assert len(hook_receiver.requests) == 1
    assert rows[0]["state"] == "failed" and rows[0]["last_error"] == "webhook answered status 404"
    database.close()


async def test_refused_connection_is_retried_then_failed(sqlite_url: str) -> None:
    from tests.fixtures.servers import free_port

    url = f"http://127.0.0.1:{free_port()}/hook"
    database, rows = await deliver_one(f'{{kind: webhook, url: "{url}", retries: 1, backoff: 1s}}', sqlite_url)
    assert rows[0]["state"] == "failed" and rows[0]["attempts"] == 2
    assert "connection refused" in str(rows[0]["last_error"])
    database.close()
