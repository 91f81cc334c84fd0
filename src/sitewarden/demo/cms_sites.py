"""Fake CMS sites for the demo fleet: a TYPO3 client endpoint, a fingerprintable WordPress, a CMS Health Check API.

They answer as the real software does (t3monitoring_client's eID, WordPress' generator tags and feed, the CMS
Health Check document), so `sitewarden demo` shows inventories and their changes without any real CMS.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from aiohttp import web

TYPO3_EXTENSIONS: dict[str, dict[str, Any]] = {
    "news": {"title": "News system", "category": "fe", "state": "stable", "version": "11.3.0", "isLoaded": 1},
    "powermail": {"title": "powermail", "category": "plugin", "state": "stable", "version": "12.1.4", "isLoaded": 1},
    "old_gallery": {
        "title": "Old gallery",
        "category": "plugin",
        "state": "obsolete",
        "version": "1.0.2",
        "isLoaded": 0,
    },
}

WORDPRESS_HOME = """<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8" /><title>Demo blog</title>
<link rel='stylesheet' href='/wp-includes/css/dist/block-library/style.min.css?ver={version}' media='all' />
<link rel='stylesheet' href='/wp-content/plugins/contact-form-7/includes/css/styles.css?ver=5.8.6' media='all' />
<link rel="https://api.w.org/" href="/wp-json/" />
<meta name="generator" content="WordPress {version}" />
</head><body><h1>Demo blog</h1></body></html>"""


def typo3_client_app(secret: str, *, core: str = "12.4.10") -> web.Application:
    """The t3monitoring_client eID: JSON for the right secret, an empty 403 otherwise."""

    async def index(request: web.Request) -> web.Response:
        if request.query.get("eID") != "t3monitoring":
            return web.Response(text="<html><body>TYPO3 demo</body></html>", content_type="text/html")
        if request.query.get("secret") != secret:
            return web.Response(status=403)
        data = {
            "core": {
                "typo3Version": core,
                "phpVersion": "8.2.15",
                "mysqlClientVersion": "10.11.6-MariaDB",
                "diskTotalSpace": 105089261568,
                "diskFreeSpace": 52155441152,
                "applicationContext": "Production",
            },
            "extra": {"info": {"Composer Usage": "yes"}},
            "extensions": TYPO3_EXTENSIONS,
        }
        return web.Response(text=json.dumps(data), content_type="application/json", charset="utf-8")

    app = web.Application()
    app.router.add_get("/index.php", index)
    app.router.add_get("/", index)
    return app


def wordpress_app(*, version: str = "6.4.3") -> web.Application:
    """A WordPress front end as a fingerprint sees it: generator meta, versioned assets, an RSS feed."""

    async def home(_request: web.Request) -> web.Response:
        headers = {"X-Powered-By": "PHP/8.2.15", "Link": '<http://localhost/wp-json/>; rel="https://api.w.org/"'}
        return web.Response(text=WORDPRESS_HOME.format(version=version), content_type="text/html", headers=headers)

    async def feed(_request: web.Request) -> web.Response:
        body = f'<?xml version="1.0"?><rss><channel><generator>https://wordpress.org/?v={version}</generator></channel></rss>'
        return web.Response(text=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/", home)
    app.router.add_get("/feed/", feed)
    return app


def cms_health_app(token: str, *, core: str = "6.4.3", php: str = "7.4.33") -> web.Application:
    """A CMS Health Check endpoint (spec flavour): Bearer token, `names[]` filter, one warning check.

    Its PHP 7.4 is past end of life, so the demo shows an `eol` verdict.
    """

    async def health(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {token}":
            return web.json_response({"message": "invalid token"}, status=401)
        checks = {
            "WordPress:Version": [
                {"componentId": "core", "componentType": "system", "observedValue": core, "status": "info"}
            ],
            "PHP:Version": [{"componentId": "php", "componentType": "system", "observedValue": php, "status": "info"}],
            "WordPress:DirectorySize": [
                {
                    "componentId": "disk",
                    "componentType": "system",
                    "observedValue": "25",
                    "observedUnit": "GB",
                    "status": "warn",
                    "output": "Directory size of installation exceeds defined threshold",
                }
            ],
        }
        names = request.query.getall("names[]", [])
        if names:
            checks = {key: value for key, value in checks.items() if key in names}
        document = {
            "status": "warn",
            "version": "1",
            "serviceId": "demo-health",
            "description": "Health of the demo WordPress",
            "checks": checks,
        }
        return web.Response(text=json.dumps(document), content_type="application/health+json")

    app = web.Application()
    app.router.add_get("/health-checks", health)
    return app


def demo_secret_file(directory: Path, name: str) -> tuple[str, str]:
    """A fresh random secret in a private file; returns the value and its `file:` reference for the config."""
    path = directory / "secrets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    value = "Demo" + secrets.token_urlsafe(24).replace("-", "x").replace("_", "y") + "7"
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(value + "\n", encoding="utf-8")
    path.chmod(0o600)
    return value, f"file:{path}"
