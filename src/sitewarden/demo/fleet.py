"""The demo fleet: small local sites on loopback, each showing one thing a monitor must catch."""

from __future__ import annotations

import asyncio
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from sitewarden.demo.certs import self_signed_context

SHOP_PAGE = (
    "<html><head><title>Demo shop</title></head><body><h1>Demo shop</h1><button>Add to cart</button></body></html>"
)


@dataclass
class DemoSite:
    """One demo site: its name, what it shows, and where it listens (port None: nothing listens)."""

    name: str
    description: str
    scheme: str = "http"
    port: int | None = None
    checks: list[dict[str, object]] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _shop_app(*, delay: float = 0.0, status: int = 200, body: str = SHOP_PAGE) -> web.Application:
    async def page(_request: web.Request) -> web.Response:
        if delay:
            await asyncio.sleep(delay)
        return web.Response(status=status, text=body, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    app.router.add_get("/health", page)
    return app


DEMO_HEARTBEAT_UUID = "5e7d0c1a-9b8f-4d2e-a6c3-1f0e2d3c4b5a"
HEARTBEAT_CHECK: dict[str, object] = {"name": "demo-backup", "kind": "heartbeat", "period": "30s", "grace": "10s"}
JSON_CHECK: dict[str, object] = {
    "name": "health",
    "kind": "json",
    "url": "/health.json",
    "rules": {"error": ["status: ^fail$"], "warning": ["queue.size: >1000"], "ok": ["database.latency_ms: [0,200]"]},
}


def _json_app() -> web.Application:
    async def health(_request: web.Request) -> web.Response:
        document = {"status": "ok", "database": {"latency_ms": 12}, "queue": {"size": 1500}}
        return web.json_response(document)

    app = web.Application()
    app.router.add_get("/health.json", health)
    return app


async def heartbeat_pinger(base_url: str, uuid: str = DEMO_HEARTBEAT_UUID, every: float = 20.0) -> None:
    """Play a cron job for the demo heartbeat: start, work a second, report success; forever (cancel to stop)."""
    from sitewarden.transport.http import HttpClient, HttpFailure, HttpRequest

    client = HttpClient()
    base = f"{base_url.rstrip('/')}/ping/{uuid}"
    while True:
        try:
            await client.request(HttpRequest(url=f"{base}/start", read_body=False))
            await asyncio.sleep(1.0)
            await client.request(HttpRequest(url=base, method="POST", body=b"demo backup: 42 files", read_body=False))
        except HttpFailure:
            await asyncio.sleep(2.0)  # the dashboard is not up yet: try again soon
            continue
        await asyncio.sleep(every)


class DemoFleet:
    """Starts and stops the demo sites inside the running event loop."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.sites: list[DemoSite] = []
        self._runners: list[web.AppRunner] = []

    async def start(self) -> list[DemoSite]:
        web_check = {"name": "web", "kind": "http", "keyword": "Add to cart", "warning_ms": 800, "critical_ms": 5000}
        await self._serve(DemoSite("healthy", "answers fast with the keyword", checks=[web_check]), _shop_app())
        await self._serve(
            DemoSite("slow", "answers after 1.2 s: a latency warning", checks=[web_check]), _shop_app(delay=1.2)
        )
        await self._serve(
            DemoSite("failing", "answers 500", checks=[web_check]), _shop_app(status=500, body="Internal Server Error")
        )
        await self._serve(
            DemoSite("no-keyword", "answers 200 without the keyword", checks=[web_check]),
            _shop_app(body="<html><body>Maintenance</body></html>"),
        )
        tls = self_signed_context(self.directory / "certs")
        await self._serve(
            DemoSite(
                "self-signed",
                "HTTPS with a self-signed certificate",
                scheme="https",
                checks=[web_check, {"name": "certificate", "kind": "tls"}],
            ),
            _shop_app(),
            tls,
        )
        await self._serve(
            DemoSite("api", "JSON health with a queue backlog: a rules warning", checks=[JSON_CHECK]), _json_app()
        )
        await self._start_cms_sites()
        refused = DemoSite("refused", "nothing listens on its port", port=free_port(), checks=[web_check])
        self.sites.append(refused)
        return self.sites

    async def _start_cms_sites(self) -> None:
        """TYPO3 (client protocol), WordPress (fingerprint) and a CMS Health Check site, secrets in files."""
        from sitewarden.demo.cms_sites import cms_health_app, demo_secret_file, typo3_client_app, wordpress_app

        secret, secret_ref = demo_secret_file(self.directory, "typo3-client.secret")
        token, token_ref = demo_secret_file(self.directory, "cms-health.token")
        shows = "TYPO3 inventory (client protocol): insecure core with a fix in its branch, an accepted finding"
        typo3 = DemoSite("typo3", shows, extra={"secret": secret_ref})
        typo3.checks = [{"name": "inventory", "kind": "typo3_client"}]
        await self._serve(typo3, typo3_client_app(secret))
        wordpress = DemoSite("wordpress", "WordPress recognised from its public pages (version cannot show backports)")
        wordpress.checks = [{"name": "fingerprint", "kind": "fingerprint"}]
        await self._serve(wordpress, wordpress_app())
        health = {"name": "health", "kind": "cms_health", "flavour": "spec", "token": token_ref, "allow_http": True}
        health_site = DemoSite(
            "cms-health", "CMS Health Check API with a warning, PHP past end of life", checks=[health]
        )
        await self._serve(health_site, cms_health_app(token))

    async def _serve(self, site: DemoSite, app: web.Application, tls: ssl.SSLContext | None = None) -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        tcp = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
        await tcp.start()
        site.port = _bound_port(tcp)
        self._runners.append(runner)
        self.sites.append(site)

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()


def demo_config(sites: list[DemoSite], database: Path) -> str:
    """The YAML config that monitors the demo fleet (written beside the database for the user to read)."""
    import yaml

    document = {
        "defaults": {"interval": "15s", "retry_interval": "5s", "timeout": "4s", "failure_threshold": 2},
        "store": {"url": f"sqlite:///{database}"},
        "sites": [
            {"name": site.name, "url": site.url, "groups": ["demo"], **site.extra, "checks": site.checks}
            for site in sites
        ],
        "checks": [HEARTBEAT_CHECK | {"uuid": DEMO_HEARTBEAT_UUID}],
        "web": {  # a public status page, so a new user sees that feature too
            "status_pages": [
                {"group": "demo", "title": "Demo fleet status", "show_checks": True, "show_summaries": True}
            ]
        },
    }
    header = "# Generated by `sitewarden demo`: monitors the local demo fleet.\n"
    return header + yaml.safe_dump(document, sort_keys=False)


def _bound_port(tcp: web.TCPSite) -> int:
    server = tcp._server
    sockets = getattr(server, "sockets", None)
    assert sockets, "site did not bind"
    return int(sockets[0].getsockname()[1])
