"""No secret or token reaches results, logs, CLI output or the database: the CLI runs for real and we grep."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import sqlite3
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

from aiohttp import ClientSession, web

from sitewarden.demo.cms_sites import cms_health_app, typo3_client_app, wordpress_app
from tests.fixtures.servers import Serve, free_port

SECRET = "T3s3cret+Value/0123456789abcdef"
WRONG = "Wr0ngS3cret+Value/abcdefghijk"
TOKEN = "HealthToken0123456789Abc"
FORMS = [form for value in (SECRET, WRONG, TOKEN) for form in {value, quote(value, safe=""), quote_plus(value)}]


def echoing_client_app() -> web.Application:
    """A t3monitoring_client with enableDebugForErrors: its 403 body repeats the secret it received."""

    async def index(request: web.Request) -> web.Response:
        return web.Response(status=403, text=f'Secret wrong, provided was "{request.query.get("secret", "")}"')

    app = web.Application()
    app.router.add_get("/index.php", index)
    return app


async def sitewarden(*args: str, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sitewarden.cli",
        "--log-level",
        "debug",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


async def test_secrets_never_appear_in_output_logs_or_store(serve: Serve, tmp_path: Path) -> None:
    t3 = await serve(typo3_client_app(SECRET))
    wrong = await serve(echoing_client_app())
    health = await serve(cms_health_app(TOKEN))
    refused = await serve(cms_health_app("SomethingElse0123456789"))
    wp = await serve(wordpress_app())
    config = tmp_path / "sitewarden.yaml"
    config.write_text(
        f"""store: {{url: "sqlite:///{tmp_path / "store.db"}"}}
sites:
  - {{name: t3, url: "{t3}", secret: "${{T3_SECRET}}", checks: [{{kind: typo3_client, name: inventory}}]}}
  - {{name: t3-wrong, url: "{wrong}", secret: "${{WRONG_SECRET}}", checks: [{{kind: typo3_client, name: inventory}}]}}
  - name: wp
    url: "{wp}"
    checks: [{{kind: fingerprint, name: fingerprint}}]
  - name: health
    url: "{health}"
    checks: [{{kind: cms_health, name: inventory, token: "${{WP_TOKEN}}", allow_http: true}}]
  - name: health-refused
    url: "{refused}"
    checks: [{{kind: cms_health, name: inventory, token: "${{WP_TOKEN}}", allow_http: true}}]
""",
        encoding="utf-8",
    )
    env = {**os.environ, "T3_SECRET": SECRET, "WRONG_SECRET": WRONG, "WP_TOKEN": TOKEN, "NO_COLOR": "1"}
    env.pop("SITEWARDEN_CONFIG", None)
    outputs = []
    code, text = await sitewarden("-c", str(config), "run", "--once", env=env)
    outputs.append(text)
    assert code == 2, text  # the wrong secret and the refused token are errors
    assert "access refused (status 403)" in text and "token refused (status 401)" in text
    for args in (["inventory", "--json"], ["inventory", "t3"], ["check", "t3-wrong/inventory"], ["status"]):
        code, text = await sitewarden("-c", str(config), *args, env=env)
        outputs.append(text)
    assert "12.4.10" in outputs[1] and "news" in outputs[2]
    assert 'provided was "**********"' in outputs[3]
    combined = "\n".join(outputs)
    with sqlite3.connect(tmp_path / "store.db") as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        dump = "\n".join(
            repr(row)
            for table in tables
            for row in connection.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        )
    assert "typo3_client" in dump and "12.4.10" in dump
    for form in FORMS:
        assert form not in combined, f"a secret form leaked into CLI output or logs: {form[:4]}..."
        if form not in LITERAL_FORMS:  # a literal secret is stored as given, never shown
            assert form not in dump, f"a secret form leaked into the store: {form[:4]}..."


STORE_SECRET = "St0reSite+Secret/0123456789abc"
STORE_WRONG = "St0reWrong+Secret/abcdefghijk"
STORE_TOKEN = "StoreToken0123456789Abc"
IMPORTED_SECRET = "Imp0rted+Secret/0123456789xyz"
LITERAL = "Literal+Secret/0123456789qrs"
PASSWORD = "Js0n+Password/0123456789"
TYPO3_CHECK = {"kind": "typo3_client", "name": "inventory"}
LITERAL_FORMS = {LITERAL, quote(LITERAL, safe=""), quote_plus(LITERAL)}
STORE_FORMS = [
    form
    for value in (STORE_SECRET, STORE_WRONG, STORE_TOKEN, IMPORTED_SECRET, LITERAL, PASSWORD)
    for form in {value, quote(value, safe=""), quote_plus(value)}
]


def echoing_json_app() -> web.Application:
    """A status API that tells why it is down, repeating the basic-auth login it was sent."""

    async def status(request: web.Request) -> web.Response:
        login = base64.b64decode(request.headers.get("Authorization", "Basic ")[6:]).decode()
        return web.json_response({"status": f"down: login {login} refused"})

    app = web.Application()
    app.router.add_get("/status", status)
    return app


async def start_dashboard(config: Path, env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    """`sitewarden serve` as its own process, logging at debug level; returns it and its base URL once it answers."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sitewarden.cli", "--log-level", "debug", "-c", str(config), "serve", "--port", str(port),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    async with ClientSession() as session:
        for _ in range(300):
            with contextlib.suppress(OSError):
                async with session.get(f"{url}/health") as response:
                    if response.status < 500:
                        return process, url
            if process.returncode is not None:
                break
            await asyncio.sleep(0.05)
    process.kill()
    output, _ = await process.communicate()
    raise RuntimeError(f"the dashboard did not start: {output.decode()[-2000:]}")


async def test_store_defined_sites_secrets_never_appear_anywhere(serve: Serve, tmp_path: Path) -> None:
    """Sites added through the API of a running dashboard and by `sites import`: logs, results, events, API, CLI."""
    t3 = await serve(typo3_client_app(STORE_SECRET))
    wrong = await serve(echoing_client_app())
    health = await serve(cms_health_app(STORE_TOKEN))
    imported = await serve(typo3_client_app(IMPORTED_SECRET))
    status_api = await serve(echoing_json_app())
    config = tmp_path / "sitewarden.yaml"
    store = f'store: {{url: "sqlite:///{tmp_path / "store.db"}"}}\n'
    config.write_text(f"{store}web: {{api_sites: {{env_references: true}}}}\nsites: []\n", encoding="utf-8")
    env = {
        **os.environ,
        "API_T3_SECRET": STORE_SECRET,
        "API_WRONG_SECRET": STORE_WRONG,
        "API_TOKEN": STORE_TOKEN,
        "IMPORTED_SECRET": IMPORTED_SECRET,
        "API_PASSWORD": PASSWORD,
        "NO_COLOR": "1",
    }
    env.pop("SITEWARDEN_CONFIG", None)
    outputs: list[str] = []

    async def cli(*args: str, stdin: str | None = None) -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sitewarden.cli", "--log-level", "debug", "-c", str(config), *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
        )  # fmt: skip
        out, err = await process.communicate(stdin.encode() if stdin is not None else None)
        outputs.append(out.decode() + err.decode())
        return out.decode()

    await cli("user", "add", "alice", "--admin", "--password-stdin", stdin="alice-password-1\n")
    token = (await cli("token", "create", "--user", "alice")).strip()
    dashboard, url = await start_dashboard(config, env)
    answers: list[str] = []
    try:
        async with ClientSession(base_url=url, headers={"Authorization": f"Bearer {token}"}) as api:

            async def call(method: str, path: str, body: object = None) -> tuple[int, object]:
                async with api.request(method, f"/api/v1{path}", json=body) as response:
                    text = await response.text()
                    answers.append(text)
                    return response.status, json.loads(text) if text else None

            t3_site = {"name": "api-t3", "url": t3, "secret": "${API_T3_SECRET}", "checks": [TYPO3_CHECK]}
            assert (await call("POST", "/sites", t3_site))[0] == 201
            wrong_site = {"name": "api-wrong", "url": wrong, "secret": "${API_WRONG_SECRET}", "checks": [TYPO3_CHECK]}
            assert (await call("PUT", "/sites/api-wrong", wrong_site))[0] == 201
            health_site = {"name": "api-health", "url": health, "checks": []}
            assert (await call("POST", "/sites", health_site))[0] == 201
            health_check = {"kind": "cms_health", "name": "inventory", "token": "${API_TOKEN}", "allow_http": True}
            assert (await call("POST", "/sites/api-health/checks", health_check))[0] == 201
            json_site = {
                "name": "api-json",
                "url": status_api,
                "http": {"basic_auth": {"user": "mon", "password": "${API_PASSWORD}"}},
                "checks": [{"kind": "json", "name": "status", "url": "/status", "rules": {"error": ["status: ^down"]}}],
            }
            assert (await call("POST", "/sites", json_site))[0] == 201
            literal = {"name": "api-literal", "url": t3, "secret": LITERAL, "checks": [TYPO3_CHECK]}
            status, shown = await call("POST", "/sites", literal)
            assert status == 201 and shown["secret"] == "**********"  # type: ignore[index]

            sites_file = tmp_path / "sites.yaml"
            sites_file.write_text(
                f'sites:\n  - {{name: imported, url: "{imported}", secret: "${{IMPORTED_SECRET}}",'
                " checks: [{kind: typo3_client, name: inventory}]}\n"
                f'  - {{name: imported-literal, url: "{imported}", secret: "{LITERAL}"}}\n',
                encoding="utf-8",
            )
            report = await cli("sites", "import", str(sites_file))
            assert "added: imported\n" in report and "added: imported-literal" in report

            run = await cli("run", "--once")
            assert "api-t3/inventory" in run and "access refused (status 403)" in run
            assert "imported/inventory" in run and "api-health/inventory" in run and "api-json/status" in run
            assert "12.4.10" in await cli("inventory", "api-t3")
            await cli("inventory", "--json")
            await cli("status")

            for path in ("/sites", "/sites/api-t3", "/sites/api-wrong", "/sites/api-health", "/sites/imported"):
                assert (await call("GET", path))[0] == 200
            for path in ("/checks", "/states", "/results?limit=500", "/events", "/sites/api-t3/inventory"):
                assert (await call("GET", path))[0] == 200
            _, checks = await call("GET", "/checks")
            for check in checks["items"]:  # type: ignore[index]
                assert (await call("GET", f"/checks/{check['id']}/results"))[0] == 200
    finally:
        dashboard.terminate()
        served, _ = await dashboard.communicate()
    api_output = "\n".join(answers)
    assert 'provided was \\"**********\\"' in api_output  # the echoing site's answer, masked
    assert "login mon:**********" in api_output  # the echoing status API's answer, masked
    logs = served.decode()
    assert "dashboard listening" in logs
    with sqlite3.connect(tmp_path / "store.db") as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        dump = "\n".join(
            repr(row)
            for table in tables
            for row in connection.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        )
    assert "${API_T3_SECRET}" in dump and "12.4.10" in dump and "api-wrong" in dump
    everything = {"CLI output and logs": "\n".join(outputs), "API output": api_output, "dashboard log": logs}
    for form in STORE_FORMS:
        for where, text in everything.items():
            assert form not in text, f"a secret form leaked into the {where}: {form[:4]}..."
        if form not in LITERAL_FORMS:  # a literal secret is stored as given, never shown
            assert form not in dump, f"a secret form leaked into the store: {form[:4]}..."
