"""The dashboard in Debian's chromium: log in, filter, open a site, run a check now, acknowledge, log out."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from sitewarden.config.loader import parse_config
from sitewarden.engine.service import Engine
from sitewarden.passwords import hash_password
from sitewarden.results import utcnow
from sitewarden.store.database import Database, open_database
from sitewarden.store.tables import commands
from sitewarden.store.users import add_user
from sitewarden.web.server import serve_beside
from tests.fixtures.servers import FakeSite, free_port

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "browser-password-1"


@dataclass
class Monitor:
    url: str
    database: Database


@pytest.fixture
async def monitor(fake_site: FakeSite, tmp_path: Path) -> AsyncIterator[Monitor]:
    """The engine and the dashboard in this loop, over one SQLite store, watching the fake site."""
    fake_site.set("/", body="hello shop")
    config = parse_config(
        f"""
store: {{url: "sqlite:///{tmp_path / "browser.db"}"}}
defaults: {{interval: 1h, failure_threshold: 1}}
sites:
  - name: shop
    url: {fake_site.url}
    groups: [customers]
    checks: [{{kind: http, name: web}}]
  - name: blog
    url: {fake_site.url}blog
    checks: [{{kind: http, name: web}}]
"""
    )
    database = open_database(config.store.url)
    with database.transaction() as connection:
        add_user(connection, "alice", hash_password(PASSWORD), "admin", utcnow())
    engine = Engine(config, database)
    stop = asyncio.Event()
    port = free_port()
    tasks = [
        asyncio.create_task(engine.run_forever(stop)),
        asyncio.create_task(serve_beside(database, config, port, stop, demo=False)),
    ]
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            break
        except OSError:
            await asyncio.sleep(0.05)
    try:
        yield Monitor(url, database)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        database.close()


async def test_an_admin_logs_in_filters_runs_a_check_acknowledges_and_logs_out(monitor: Monitor) -> None:
    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed: apt-get install chromium (scripts/test-setup.sh does it)")
    from playwright.async_api import async_playwright, expect

    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        try:
            await page.goto(monitor.url + "/")
            await expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
            await page.fill("input[name=name]", "alice")
            await page.fill("input[name=password]", PASSWORD)
            await page.click("button[type=submit]")
            await expect(page.locator("a.site-link")).to_have_count(2)

            await page.select_option("select[name=group]", "customers")
            await page.click("#apply-filters")
            await expect(page.locator("a.site-link")).to_have_text(["shop"])
            await expect(page).to_have_url(re.compile(r"group=customers"))

            await page.click("a.site-link")
            await expect(page.locator("h1")).to_have_text("shop")
            check = page.locator("#check-web")
            await page.click("#check-web button[data-action=run_now]")
            await expect(check.locator("[data-role=last-result]")).to_contain_text("status 200", timeout=20_000)
            await expect(check.locator("[data-role=state]")).to_have_text("ok", timeout=20_000)
            await page.screenshot(path=str(ARTIFACTS / "site.png"), full_page=True)

            await page.click("#check-web button[data-action=acknowledge]")
            await expect(page.locator("h1")).to_have_text("shop")
            with monitor.database.transaction() as connection:
                actions = [row.action for row in connection.execute(select(commands.c.action))]
            assert actions[-1] == "acknowledge"

            await page.fill("#check-web [data-role=planned-work] input[name=reason]", "PHP 8.3 upgrade")
            await page.click("#check-web button[data-action=planned]")
            await expect(page.locator("h1")).to_have_text("shop")
            with monitor.database.transaction() as connection:
                query = select(commands.c.action, commands.c.planned, commands.c.reason).order_by(commands.c.id)
                last = list(connection.execute(query))[-1]
            assert tuple(last) == ("acknowledge", True, "PHP 8.3 upgrade")

            await page.click("text=Overview")
            await expect(page.locator("a.site-link")).to_have_count(2)
            await page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)

            await page.click("#logout")
            await expect(page).to_have_url(re.compile(r"/login$"))
            await page.goto(monitor.url + "/sites/shop")
            await expect(page).to_have_url(re.compile(r"/login\?next="))
        finally:
            await browser.close()
    assert [text for text in errors if "Content Security Policy" in text] == []
    assert (ARTIFACTS / "overview.png").stat().st_size > 0 and (ARTIFACTS / "site.png").stat().st_size > 0
