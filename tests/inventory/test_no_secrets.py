"""No secret or token reaches results, logs, CLI output or the database: the CLI runs for real and we grep."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

from aiohttp import web

from sitewarden.demo.cms_sites import cms_health_app, typo3_client_app, wordpress_app
from tests.fixtures.servers import Serve

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
        assert form not in dump, f"a secret form leaked into the store: {form[:4]}..."
