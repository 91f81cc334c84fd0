"""Screenshots of every dashboard page at 390 and 1400 px, light and dark, on the demo fleet and a 10,000-site store.

    .venv/bin/python bench/screenshots.py OUT_DIR [--only demo|fleet] [--sites 10000] [--days 7]

Writes OUT_DIR/<store>/<page>-<width>-<scheme>.png (full pages; keep them out of the repository) and prints, per
page, its load time and whether the page body scrolls sideways. The fleet store is seeded by bench/dashboard.py's
`seed` (plus a few hundred events); the demo is `sitewarden demo` on a free loopback port, stopped at the end.
Tests in tests/web check layout properties; these images are for a person to look at.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn

from sitewarden.events.model import Event, EventType, Severity
from sitewarden.passwords import hash_password
from sitewarden.results import utcnow
from sitewarden.store.database import open_database
from sitewarden.store.events import insert_events
from sitewarden.store.users import add_user
from sitewarden.web.app import create_app
from sitewarden.web.settings import WebSettings

CHROMIUM = "/usr/bin/chromium"
WIDTHS = (390, 1400)
SCHEMES = ("light", "dark")
USER, PASSWORD = "shots", "screenshots-password-1"
FLEET_PAGES = {
    "overview": "/",
    "overview-errors": "/?status=error",
    "overview-search": "/?q=site-0099",
    "site-error": "/sites/site-00000",
    "site-typo3": "/sites/site-00001?range=7d",
    "site-30d": "/sites/site-00002?range=30d",
    "extensions": "/extensions",
    "extensions-insecure": "/extensions?only=insecure",
    "events": "/events",
    "heartbeats": "/heartbeats",
    "tokens": "/tokens",
    "audit": "/audit",
    "status-page": "/status/group-1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                answer.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@contextlib.contextmanager
def fleet_server(sites: int, days: int) -> Iterator[str]:
    """A seeded store served by uvicorn on loopback, with a user to sign in as and some events."""
    sys.path.insert(0, str(Path(__file__).parent))
    from dashboard import seed

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'shots.db'}"
    started = time.perf_counter()
    seed(url, sites, days)
    database = open_database(url)
    now = utcnow()
    with database.transaction() as connection:
        add_user(connection, USER, hash_password(PASSWORD), "admin", now)
        events = [
            Event(
                EventType.AVAILABILITY,
                Severity.ERROR if index % 3 else Severity.NOTICE,
                f"site.site-{index * 50:05d}.web",
                f"web is {'down: status 503, expected 200' if index % 3 else 'up again'}",
                site=f"site-{index * 50:05d}",
                check="web",
                created_at=now - timedelta(minutes=7 * index),
            )
            for index in reversed(range(min(sites // 50, 300)))
        ]  # oldest first, as the engine writes them
        insert_events(connection, events)
    print(f"seeded {sites} sites with {days} days of results in {time.perf_counter() - started:.0f} s")
    settings = WebSettings.model_validate({"status_pages": [{"group": "group-1", "title": "Group 1 sites"}]})
    server = uvicorn.Server(
        uvicorn.Config(create_app(database, settings), host="127.0.0.1", port=free_port(), log_level="warning",
                       lifespan="off", ws="none", access_log=False)
    )  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(10)
        database.close()
        shutil.rmtree(folder, ignore_errors=True)  # half a gigabyte at 10,000 sites


@contextlib.contextmanager
def demo_server(warmup: float) -> Iterator[str]:
    """`sitewarden demo` in a child process (its own session), given `warmup` seconds to run its checks."""
    port = free_port()
    folder = tempfile.mkdtemp()
    command = [sys.executable, "-m", "sitewarden", "demo", "--port", str(port), "--dir", folder]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/", 60)
        time.sleep(warmup)
        yield base
    finally:
        os.killpg(child.pid, signal.SIGINT)
        try:
            child.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        shutil.rmtree(folder, ignore_errors=True)


def demo_pages(base: str) -> dict[str, str]:
    with urllib.request.urlopen(base + "/?per_page=100", timeout=10) as answer:
        html = answer.read().decode()
    pages = {"overview": "/"}
    pages |= {f"site-{name}": f"/sites/{name}" for name in re.findall(r'class="site-link" href="/sites/([^"]+)"', html)}
    pages |= {"extensions": "/extensions", "events": "/events", "heartbeats": "/heartbeats", "tokens": "/tokens",
              "audit": "/audit", "status-page": "/status/demo"}  # fmt: skip
    return pages


def shoot(browser: Any, base: str, pages: dict[str, str], folder: Path, sign_in: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'page':<28}{'width':>6}{'scheme':>7}{'load ms':>9}  sideways scroll")
    for width in WIDTHS:
        for scheme in SCHEMES:
            context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            if sign_in:
                page.goto(base + "/login")
                page.screenshot(path=str(folder / f"login-{width}-{scheme}.png"), full_page=True)
                page.fill("input[name=name]", USER)
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_selector("a.site-link")
            for name, path in pages.items():
                started = time.perf_counter()
                page.goto(base + path, wait_until="load")
                elapsed = (time.perf_counter() - started) * 1000
                wide, view = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                page.screenshot(path=str(folder / f"{name}-{width}-{scheme}.png"), full_page=True)
                sideways = f"yes ({wide} > {view})" if wide > view else "no"
                print(f"{name:<28}{width:>6}{scheme:>7}{elapsed:>9.0f}  {sideways}")
            context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--only", choices=("demo", "fleet"), help="one store only")
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--demo-warmup", type=float, default=20.0, help="seconds the demo runs before the pictures")
    parser.add_argument("--chromium", default=CHROMIUM)
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=options.chromium, args=["--headless", "--no-sandbox"])
        try:
            if options.only in (None, "demo"):
                with demo_server(options.demo_warmup) as base:
                    shoot(browser, base, demo_pages(base), options.out / "demo", sign_in=False)
            if options.only in (None, "fleet"):
                with fleet_server(options.sites, options.days) as base:
                    shoot(browser, base, FLEET_PAGES, options.out / f"fleet-{options.sites}", sign_in=True)
        finally:
            browser.close()
    print(f"screenshots in {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
