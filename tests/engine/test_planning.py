"""Planning: one probe per kind for the whole fleet (so one SSL context per CA set), URLs resolved once, diffs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import trustme

from sitewarden.config.loader import parse_config
from sitewarden.engine.planning import diff_checks
from sitewarden.engine.service import Engine
from sitewarden.probes.base import SiteInfo, resolve_url
from sitewarden.results import Status
from sitewarden.store.database import Database, open_database
from tests.fixtures.certs import ServeTls
from tests.fixtures.servers import server_context


@pytest.fixture
def database(sqlite_url: str) -> Iterator[Database]:
    db = open_database(sqlite_url)
    yield db
    db.close()


async def test_two_tls_checks_with_the_same_ca_share_one_ssl_context(
    tmp_path: Path, tls_port: ServeTls, tls_ca: trustme.CA, database: Database, sqlite_url: str
) -> None:
    ca_file = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(ca_file))
    port = await tls_port(server_context(tls_ca, "localhost"))
    config = parse_config(
        f"""
store: {{url: "{sqlite_url}"}}
sites:
  - name: a
    url: https://localhost:{port}/
    checks: [{{name: cert, kind: tls, ca_file: "{ca_file}"}}]
  - name: b
    url: https://localhost:{port}/
    checks: [{{name: cert, kind: tls, ca_file: "{ca_file}"}}]
"""
    )
    engine = Engine(config, database)
    outcomes = dict((spec.key, result) for spec, result in await engine.run_once())
    assert [result.status for result in outcomes.values()] == [Status.OK, Status.OK]
    first, second = engine.checks["a/cert"].probe, engine.checks["b/cert"].probe
    assert first is second
    assert first._verifying(ca_file) is second._verifying(ca_file)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://127.0.0.1:9/base/", "health"),
        ("http://127.0.0.1:9/base", "/health?x=1"),
        ("http://127.0.0.1:9/a/b/", "../up"),
        ("http://127.0.0.1:9/?q=1", "health"),
        ("http://127.0.0.1:9", "#top"),
    ],
)
def test_a_site_relative_url_joins_as_urljoin_does(base: str, url: str) -> None:
    site = SiteInfo(name="shop", url=base)
    assert resolve_url(url, site) == urljoin(base if base.endswith("/") else base + "/", url.lstrip("/"))


def test_a_reload_diff_names_only_the_changed_checks(database: Database, sqlite_url: str) -> None:
    text = """
store: {{url: "{url}"}}
sites:
  - name: shop
    url: http://127.0.0.1:9/base/
    checks: [{{name: web, kind: http, url: health}}, {{name: home, kind: http, interval: {interval}}}]
"""
    engine = Engine(parse_config(text.format(url=sqlite_url, interval="60s")), database)
    engine.planner.base_config = parse_config(text.format(url=sqlite_url, interval="30s"))
    plan = engine.planner.sync(set(engine.checks), engine.clock.now())
    diff = diff_checks(plan, engine.checks)
    assert [old.spec.key for old, *_ in diff.changed] == ["shop/home"]
    assert diff.added == {} and diff.removed == []
