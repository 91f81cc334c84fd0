"""Push mode end to end: real `sitewarden run` and `sitewarden serve` processes on one SQLite store, a site pushing
its health document over HTTP, and what `status` and the JSON API then show; a token changed in the config and
the daemon sent SIGHUP stops the old token without a restart.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fixtures.health_documents import health_document
from tests.fixtures.processes import SitewardenProcess, Start, sitewarden_command
from tests.fixtures.servers import free_port

TOKEN = "Push-Token-0123456789"
NEW_TOKEN = "Push-Token-Replaced-9876"
PASSWORD = "push-admin-password-1"
CHECK = "intranet/health"


def config_text(store: Path, token: str) -> str:
    return f"""
defaults: {{interval: 1h, failure_threshold: 1}}
catalog: {{sources: []}}  # no catalogue refresh: nothing leaves the loopback
store: {{url: "sqlite:///{store}"}}
sites:
  - name: intranet
    url: https://intranet.example.org/
    checks:
      - {{name: health, kind: cms_health, mode: push, period: 5m, grace: 1m, token: "{token}"}}
"""


@dataclass
class Fleet:
    """The daemon and the dashboard as processes, the config file, and an HTTP client with an admin's API token."""

    config: Path
    daemon: SitewardenProcess
    dashboard: SitewardenProcess
    url: str
    http: aiohttp.ClientSession
    api_token: str

    async def push(self, body: dict[str, Any], token: str) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/health+json"}
        async with self.http.post(f"{self.url}/push/{CHECK}", data=json.dumps(body), headers=headers) as answer:
            return answer.status, await answer.json()

    async def api(self, path: str) -> Any:
        headers = {"Authorization": f"Bearer {self.api_token}"}
        async with self.http.get(f"{self.url}/api/v1{path}", headers=headers) as answer:
            assert answer.status == 200, await answer.text()
            return await answer.json()

    async def state_when(self, done: Any, timeout: float = 30.0) -> dict[str, Any]:
        """Poll the JSON API until the check's state satisfies `done` (the engine takes a push within seconds)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        state: dict[str, Any] = {}
        while loop.time() < deadline:
            items = (await self.api("/states?site=intranet"))["items"]
            state = next((item for item in items if item["key"] == CHECK), {})
            if state and done(state):
                return state
            await asyncio.sleep(0.2)
        raise AssertionError(f"the check did not get there within {timeout} s: {state}\n{self.daemon.output()[-2000:]}")


@pytest.fixture
async def fleet(tmp_path: Path, sitewarden_processes: Start) -> AsyncIterator[Fleet]:
    config = tmp_path / "sitewarden.yaml"
    config.write_text(config_text(tmp_path / "store.db", TOKEN))
    code, output = await sitewarden_command("user", "add", "alice", "--admin", "--password-stdin", "-c", str(config),
                                            stdin=PASSWORD + "\n")  # fmt: skip
    assert code == 0, output
    code, output = await sitewarden_command("token", "create", "--user", "alice", "-c", str(config))
    assert code == 0, output
    api_token = output.strip().splitlines()[-1]
    daemon = await sitewarden_processes("--log-level", "info", "run", "-c", str(config))
    await daemon.wait_for_line("engine started")  # the push check's row and token hash are in the store
    port = free_port()
    dashboard = await sitewarden_processes("--log-level", "info", "serve", "--port", str(port), "-c", str(config))
    url = f"http://127.0.0.1:{port}"
    await dashboard.wait_for_http(f"{url}/login")
    async with aiohttp.ClientSession() as http:
        yield Fleet(config, daemon, dashboard, url, http, api_token)


async def test_pushes_through_serve_are_judged_by_the_daemon_and_shown_by_status_and_the_api(fleet: Fleet) -> None:
    status, answer = await fleet.push(health_document("pass", disk=False), TOKEN)
    assert (status, answer) == (202, {"accepted": True, "check": CHECK})
    state = await fleet.state_when(
        lambda s: s["last_status"] == "ok" and (s["last_summary"] or "").startswith("pass: ")
    )
    assert state["status"] == "ok"
    inventory = await fleet.api("/sites/intranet/inventory")
    assert inventory["facts"]["cms"] == "wordpress" and inventory["facts"]["cms_version"] == "6.4.3"
    code, output = await sitewarden_command("status", CHECK, "--json", "-c", str(fleet.config))
    assert code == 0, output
    (row,) = json.loads(output)
    assert (row["key"], row["status"], row["soft"]) == (CHECK, "ok", "")

    status, answer = await fleet.push({"status": "pass"}, TOKEN)  # no `version`: breaks the CMS Health schema
    assert status == 400 and answer["error"].startswith("schema: ")
    state = await fleet.state_when(lambda s: s["last_status"] == "warning")
    assert state["status"] == "warning" and state["last_summary"].startswith("push refused: schema: ")
    code, output = await sitewarden_command("status", CHECK, "--json", "-c", str(fleet.config))
    assert code == 1 and json.loads(output)[0]["status"] == "warning", output

    status, answer = await fleet.push(health_document("pass", disk=False), "Push-Token-0123456780")
    assert (status, answer["error"]) == (403, "the token is not this check's")
    assert TOKEN not in fleet.daemon.output() + fleet.dashboard.output()


async def test_a_token_changed_in_the_config_is_revoked_by_sighup_without_a_restart(fleet: Fleet) -> None:
    assert (await fleet.push(health_document("pass", disk=False), TOKEN))[0] == 202
    pid = fleet.daemon.process.pid
    fleet.config.write_text(config_text(Path(fleet.config.parent / "store.db"), NEW_TOKEN))
    seen = len(fleet.daemon.lines)
    fleet.daemon.signal(signal.SIGHUP)
    await fleet.daemon.wait_for_line("config reloaded", after=seen)
    assert fleet.daemon.process.returncode is None and fleet.daemon.process.pid == pid  # still the same daemon
    status, answer = await fleet.push(health_document("pass", disk=False), TOKEN)
    assert (status, answer["error"]) == (403, "the token is not this check's")
    status, answer = await fleet.push(health_document("warn", disk=False), NEW_TOKEN)
    assert (status, answer) == (202, {"accepted": True, "check": CHECK})
    state = await fleet.state_when(lambda s: s["last_status"] == "warning")
    assert state["last_summary"].startswith("warn: ")

    fleet.config.write_text("sites: [\n")  # a broken file: logged, the running checks and tokens stay
    seen = len(fleet.daemon.lines)
    fleet.daemon.signal(signal.SIGHUP)
    await fleet.daemon.wait_for_line("config reload failed", after=seen)
    assert fleet.daemon.process.returncode is None
    assert (await fleet.push(health_document("pass", disk=False), NEW_TOKEN))[0] == 202
    assert NEW_TOKEN not in fleet.daemon.output() + fleet.dashboard.output()
