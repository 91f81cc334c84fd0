"""Apprise handler: a json:// URL to a loopback receiver, an unusable URL refused at load, a failing service."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from sitewarden.events.handlers.apprise_handler import AppriseParams
from tests.events.handlers.delivery_kit import deliver_one
from tests.fixtures.receivers import HookReceiver


def test_unknown_apprise_url_is_refused_at_load() -> None:
    with pytest.raises(ValidationError, match="not an Apprise URL"):
        AppriseParams.model_validate({"kind": "apprise", "urls": ["nosuchservice://token"]})


async def test_notification_arrives_through_a_json_url(sqlite_url: str, hook_receiver: HookReceiver) -> None:
    url = hook_receiver.url.replace("http://", "json://")
    database, rows = await deliver_one(f'{{kind: apprise, urls: ["{url}"]}}', sqlite_url)
    assert rows[0]["state"] == "sent"
    body = json.loads(hook_receiver.requests[0]["body"])
    assert body["title"] == "[sitewarden] ERROR site000/web is error (was ok): status 503"
    assert "site000/web is error" in body["message"] and body["type"] == "failure"
    database.close()


async def test_failing_service_is_retried(sqlite_url: str, hook_receiver: HookReceiver) -> None:
    hook_receiver.failures = 1
    url = hook_receiver.url.replace("http://", "json://")
    database, rows = await deliver_one(f'{{kind: apprise, urls: ["{url}"], backoff: 1s}}', sqlite_url)
    assert rows[0]["state"] == "sent" and rows[0]["attempts"] == 2 and len(hook_receiver.requests) == 2
    database.close()
