"""The dashboard in Debian's chromium at a phone's and a desktop's width, light and dark, and across live refreshes.

Layout properties, not pixels: the page body never scrolls sideways at 390 px (wide tables scroll inside
themselves), every navigation link can be reached, text keeps a readable contrast in both colour schemes, and
details a user opened stay open when the page refreshes itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sitewarden.results import Result, Status, utcnow
from sitewarden.states import CheckState
from sitewarden.store.results import insert_results
from sitewarden.store.rollups import add_to_rollups
from sitewarden.store.states import save_states
from tests.fixtures.web import ADMIN_PASSWORD, LiveWeb

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PAGES = ("/", "/sites/down-api", "/events", "/extensions", "/heartbeats", "/tokens", "/audit")
WIDTHS = (390, 1400)

CONTRAST = """(selector) => {
  const channels = (text) => (text.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      const alpha = colour.startsWith("rgba") ? Number(colour.split(",")[3]) : 1;
      if (alpha > 0.5) return channels(colour);
    }
    return channels(getComputedStyle(document.body).backgroundColor);
  };
  return Array.from(document.querySelectorAll(selector)).filter((e) => e.offsetParent && e.textContent.trim())
    .slice(0, 40).map((element) => {
      const front = luminance(channels(getComputedStyle(element).color));
      const back = luminance(background(element));
      const ratio = (Math.max(front, back) + 0.05) / (Math.min(front, back) + 0.05);
      return [element.tagName + "." + element.className + ": " + element.textContent.trim().slice(0, 30), ratio];
    });
}"""


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed: apt-get install chromium (scripts/test-setup.sh does it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def signed_in(browser: Any, live: LiveWeb, width: int, scheme: str = "light") -> Any:
    context = await browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = await context.new_page()
    await page.goto(live.url + "/login")
    await page.fill("input[name=name]", "alice")
    await page.fill("input[name=password]", ADMIN_PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("a.site-link")
    return page


@pytest.mark.parametrize("width", WIDTHS)
async def test_no_page_scrolls_sideways_and_every_navigation_link_is_reachable(
    live_web: LiveWeb, browser: Any, width: int
) -> None:
    page = await signed_in(browser, live_web, width)
    overflowing = {}
    for path in PAGES:
        await page.goto(live_web.url + path)
        body = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if body[0] > body[1]:
            overflowing[path] = body
        links = page.locator("header.top nav a")
        assert await links.count() == 6, path  # the admin sees the audit log too
        for index in range(await links.count()):
            link = links.nth(index)
            await link.scroll_into_view_if_needed()
            box = await link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (path, index, box)
    assert overflowing == {}
    await page.goto(live_web.url + "/")
    await page.click("header.top nav a[href='/events']")  # reachable is usable: a tap on a scrolled link works
    await page.wait_for_url(live_web.url + "/events")


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_text_keeps_a_readable_contrast_in_both_colour_schemes(
    live_web: LiveWeb, browser: Any, scheme: str
) -> None:
    page = await signed_in(browser, live_web, 1400, scheme)
    dark = await page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(part) for part in background[background.index("(") + 1 : -1].split(",")[:3]]
    assert dark is (scheme == "dark") and (max(channels) < 60 if dark else min(channels) > 200), background
    low, measured = [], 0
    for path in ("/", "/sites/down-api", "/events"):
        await page.goto(live_web.url + path)
        for selector in (
            "td",
            ".muted",
            "th",
            "h1",
            "a.site-link",
            "dt",
            "dd",
            ".why",
            "p",
            ".status",
            ".sev",
            ".badge",
            ".tag",
            ".stale",
        ):
            ratios = await page.evaluate(CONTRAST, selector)
            measured += len(ratios)
            low += [(path, name, round(ratio, 2)) for name, ratio in ratios if ratio < 4.5]
    assert measured > 100
    assert low == [], "\n".join(map(str, low))


async def test_opened_result_details_stay_open_and_keep_refreshing(live_web: LiveWeb, browser: Any) -> None:
    page = await signed_in(browser, live_web, 1400)
    check_id = live_web.check_ids["shop/web"]
    await page.goto(live_web.url + "/sites/shop")
    recent = page.locator(f"#recent-{check_id}")
    await recent.locator("summary").first.click()
    first_row = recent.locator("details.raw").first
    opened_id = await first_row.get_attribute("id")
    await first_row.locator("summary").click()
    assert await page.evaluate(f"document.getElementById('{opened_id}').open")

    now = utcnow()
    fresh = Result(Status.OK, "status 200 after the deploy", [], {"deploy": "v2"}, now, 12.0)
    with live_web.database.transaction() as connection:
        insert_results(connection, [(check_id, fresh)])
        add_to_rollups(connection, [(check_id, fresh)])
        state = CheckState(
            hard=Status.OK, hard_since=now - timedelta(days=1), soft=Status.OK, last_status=Status.OK,
            last_summary=fresh.summary, last_result_at=now, last_duration_ms=12.0,
        )  # fmt: skip
        save_states(connection, {check_id: state}, now)

    await recent.locator("text=status 200 after the deploy").wait_for(timeout=15_000)  # the 5 s refresh came
    assert await recent.evaluate("element => element.open")
    assert await page.evaluate(f"document.getElementById('{opened_id}').open")
    await recent.locator("summary").first.click()  # closed by the user: stays closed after the next refresh
    await page.locator('[data-role="last-result"]').first.wait_for()
    await page.wait_for_timeout(6_000)
    assert not await page.locator(f"#recent-{check_id}").evaluate("element => element.open")


async def test_the_keyboard_reaches_the_search_the_navigation_and_every_action(live_web: LiveWeb, browser: Any) -> None:
    from sqlalchemy import select

    from sitewarden.store.tables import commands

    page = await signed_in(browser, live_web, 390)
    await page.keyboard.press("/")
    assert await page.evaluate("document.activeElement.name") == "q"
    await page.keyboard.press("Escape")
    await page.goto(live_web.url + "/sites/shop")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
    reached: list[str] = []
    for _ in range(40):
        await page.keyboard.press("Tab")
        reached.append(
            await page.evaluate(
                "(e => e.dataset.action || (e.tagName === 'SUMMARY' ? 'summary' : e.textContent.trim()))"
                "(document.activeElement)"
            )
        )
        if reached[-1] == "summary":
            break
    assert {"Overview", "Events", "Audit log", "Log out", "run_now", "pause", "acknowledge"} <= set(reached)
    await page.keyboard.press("Enter")  # opens the recent results
    assert await page.locator("details[id^=recent-]").first.evaluate("element => element.open")
    focused = await page.evaluate("document.activeElement.id")
    async with page.expect_response(lambda answer: "fragment=checks" in answer.url, timeout=10_000):
        pass  # the 5 s refresh swaps the checks in: the keyboard user keeps their place
    await page.wait_for_timeout(200)
    assert focused and await page.evaluate("document.activeElement.id") == focused
    await page.locator("#check-web button[data-action=run_now]").focus()
    await page.keyboard.press("Enter")
    actions: list[str] = []
    for _ in range(50):
        with live_web.database.transaction() as connection:
            actions = [row.action for row in connection.execute(select(commands.c.action))]
        if actions:
            break
        await page.wait_for_timeout(100)
    assert actions == ["run_now"]
