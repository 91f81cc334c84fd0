"""Push mode through real HTTP: a site POSTs its health document to /push/<site>/<check> on a live web app, and
the engine judges it like a fetched one (status, checks, metrics, inventory); bad pushes get a 4xx with the reason.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sitewarden.app.daemon import build_listeners, build_services
from sitewarden.app.single import find_check
from sitewarden.config.loader import parse_config
from sitewarden.config.models import Config
from sitewarden.engine.service import Engine
from sitewarden.inventory.base import ATTACHMENT
from sitewarden.inventory.cms_health import CmsHealthCollector
from sitewarden.probes.base import ProbeContext
from sitewarden.results import Result, Status, utcnow
from sitewarden.store.commands import take_commands
from sitewarden.store.database import Database, open_database
from sitewarden.store.inventory import latest_snapshot
from sitewarden.store.pushes import PushReader
from sitewarden.transport.http import HttpClient
from sitewarden.web.app import create_app
from sitewarden.web.push import BURST, MAX_PUSH
from tests.fixtures.health_documents import health_document as document
from tests.fixtures.web import run_uvicorn

TOKEN = "Push-Token-0123456789"
HEALTH = "application/health+json"


@dataclass
class PushSite:
    url: str
    config: Config
    database: Database
    http: aiohttp.ClientSession

    async def push(self, body: bytes | dict[str, Any], token: str | None = TOKEN, path: str = "intranet/health"):  # type: ignore[no-untyped-def]
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        headers = {"Content-Type": HEALTH}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with self.http.post(f"{self.url}/push/{path}", data=data, headers=headers) as answer:
            return answer.status, await answer.json(), dict(answer.headers)

    async def judge(self) -> Result:
        """One engine run of the push check, as `sitewarden run` would do it after a push."""
        services = build_services(self.config, self.database)
        listeners = build_listeners(self.config, self.database)
        engine = Engine(self.config, self.database, services=services, listeners=listeners)
        return dict((spec.key, result) for spec, result in await engine.run_once())["intranet/health"]

    async def judge_at(self, moment: datetime) -> Result:
        """The check's probe run at another time (the engine's runs use the wall clock)."""
        spec = find_check(self.config, "intranet/health")
        ctx = ProbeContext(
            http=HttpClient(), check_key=spec.key, clock=lambda: moment, services={"pushes": PushReader(self.database)}
        )
        return await CmsHealthCollector().run(spec.params, ctx)  # type: ignore[arg-type]


@pytest.fixture
async def push_site(tmp_path: Path) -> AsyncIterator[PushSite]:
    url = f"sqlite:///{tmp_path / 'push.db'}"
    config = parse_config(
        f"""
store: {{url: "{url}"}}
sites:
  - name: intranet
    url: https://intranet.example.org/
    checks:
      - {{name: health, kind: cms_health, mode: push, period: 5m, grace: 1m, token: "{TOKEN}"}}
"""
    )
    database = open_database(url)
    build_services(config, database)  # what `sitewarden run` does at start: the check's push row and token hash
    server, thread, base = run_uvicorn(create_app(database))
    async with aiohttp.ClientSession() as http:
        yield PushSite(base, config, database, http)
    server.should_exit = True
    thread.join(10)
    database.close()


async def test_a_good_push_is_judged_like_a_fetched_document_with_its_inventory(push_site: PushSite) -> None:
    waiting = await push_site.judge()
    assert waiting.status is Status.OK and waiting.summary.startswith("waiting for the first push")
    status, answer, _ = await push_site.push(document("warn"))
    assert (status, answer) == (202, {"accepted": True, "check": "intranet/health"})
    with push_site.database.transaction() as connection:
        assert [(c.check_key, c.action) for c in take_commands(connection, "t", utcnow())] == [
            ("intranet/health", "run_now")
        ]
    result = await push_site.judge()
    assert result.status is Status.WARNING
    assert result.summary.startswith("warn: 2 checks, 1 not passing; WordPress:DirectorySize warn: disk filling up")
    assert result.metric("WordPress:DirectorySize") == 25.0
    assert result.attachments[ATTACHMENT].cms_version == "6.4.3"
    with push_site.database.transaction() as connection:
        stored = latest_snapshot(connection, "intranet", "health")
    assert stored is not None and stored.snapshot.cms_version == "6.4.3"
    assert TOKEN not in json.dumps(result.as_dict(), default=str)
    await push_site.push(document("pass"))
    assert (await push_site.judge()).status is Status.OK


async def test_a_wrong_or_missing_token_is_refused(push_site: PushSite) -> None:
    status, answer, headers = await push_site.push(document(), token=None)
    assert status == 401 and headers["WWW-Authenticate"] == "Bearer"
    status, answer, _ = await push_site.push(document(), token="Push-Token-0123456780")
    assert status == 403 and answer["error"] == "the token is not this check's"
    status, _, _ = await push_site.push(document(), path="intranet/other")
    assert status == 404
    assert (await push_site.judge()).summary.startswith("waiting for the first push")


async def test_an_oversized_push_is_413_and_a_bad_document_400_and_a_warning(push_site: PushSite) -> None:
    status, answer, _ = await push_site.push(b" " * (MAX_PUSH + 1))
    assert status == 413 and "256 KiB" in answer["error"]
    status, answer, _ = await push_site.push(b"{not json")
    assert status == 400 and answer["error"].startswith("malformed JSON")
    status, answer, _ = await push_site.push(b"[" * 100_000)
    assert (status, answer["error"]) == (400, "malformed JSON (nested too deeply)")

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the cap applies while reading
        for _ in range(40):
            yield b" " * 8192

    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": HEALTH}
    async with push_site.http.post(f"{push_site.url}/push/intranet/health", data=chunks(), headers=headers) as sent:
        assert sent.status == 413
    broken = document()
    broken["checks"]["WordPress:Version"][0]["status"] = "sideways"
    status, answer, _ = await push_site.push(broken)
    assert (status, answer["error"]) == (
        400,
        "not a health document: checks.WordPress:Version: status 'sideways' is not pass, warn, fail or info",
    )
    unversioned = document()
    del unversioned["version"]
    status, answer, _ = await push_site.push(unversioned)
    assert (status, answer["error"]) == (400, "schema: (document): 'version' is a required property")
    reason = answer["error"]
    result = await push_site.judge()
    assert result.status is Status.WARNING and result.summary == f"push refused: {reason}"
    await push_site.push(document())
    assert (await push_site.judge()).status is Status.OK


async def test_pushes_beyond_the_rate_get_429_with_retry_after(push_site: PushSite) -> None:
    answers = [await push_site.push(document()) for _ in range(BURST + 1)]
    assert [status for status, _, _ in answers[:BURST]] == [202] * BURST
    status, answer, headers = answers[BURST]
    assert status == 429 and int(headers["Retry-After"]) >= 1 and "too many pushes" in answer["error"]


async def test_an_overdue_push_makes_the_check_error(push_site: PushSite) -> None:
    first = await push_site.judge_at(utcnow() + timedelta(minutes=7))  # period 5m + grace 1m, nothing pushed
    assert first.status is Status.ERROR and first.summary.startswith("no push received since 7m ago")
    await push_site.push(document())
    assert (await push_site.judge_at(utcnow() + timedelta(minutes=3))).status is Status.OK
    late = await push_site.judge_at(utcnow() + timedelta(minutes=7))
    assert late.status is Status.ERROR and late.summary == "last push 7m ago (expected every 5m, grace 1m)"


async def test_the_token_never_reaches_the_log_or_an_answer(
    push_site: PushSite, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("DEBUG"):
        await push_site.push(document())
        await push_site.push(document(), token=TOKEN + "x")
        await asyncio.sleep(0)
    assert "push received check=intranet/health" in caplog.text and "wrong token check=intranet/health" in caplog.text
    assert TOKEN not in caplog.text


async def test_a_new_token_in_the_config_revokes_the_old_one_at_the_engines_next_start(push_site: PushSite) -> None:
    assert (await push_site.push(document()))[0] == 202
    renewed = "Renewed-Push-Token-42"
    text = push_site.config.model_dump_json()
    assert TOKEN not in text  # the config's dump masks the token
    config = parse_config(
        f"""
store: {{url: "{push_site.config.store.url}"}}
sites:
  - name: intranet
    url: https://intranet.example.org/
    checks:
      - {{name: health, kind: cms_health, mode: push, period: 5m, token: "{renewed}"}}
"""
    )
    build_services(config, push_site.database)  # what the engine does as it starts
    assert (await push_site.push(document()))[0] == 403
    assert (await push_site.push(document(), token=renewed))[0] == 202
    build_services(parse_config(f'store: {{url: "{push_site.config.store.url}"}}\nsites: []\n'), push_site.database)
    assert (await push_site.push(document(), token=renewed))[0] == 404


async def test_refused_pushes_from_one_address_are_slowed_down_without_locking_out_the_right_token(
    push_site: PushSite,
) -> None:
    from sitewarden.web.push import FAILURE_BURST

    refused = [await push_site.push(document(), token=f"Wrong-Token-{n:010d}") for n in range(FAILURE_BURST)]
    assert {status for status, _, _ in refused} == {403}
    status, answer, headers = await push_site.push(document(), token="Wrong-Token-again-0000")
    assert status == 429 and int(headers["Retry-After"]) >= 1 and "refused pushes" in answer["error"]
    status, _, _ = await push_site.push(document(), path="intranet/other")
    assert status == 429  # unknown checks are not probed either while slowed down
    status, _, _ = await push_site.push(document())
    assert status == 429  # the same address waits too; the site's own pushes come from elsewhere
