"""Branch, support state, upgrade hint and the fingerprint caveat where verdicts are shown: site page, extensions
page, API, reports and /metrics, over a live server on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from sitewarden.catalog.assess import FINGERPRINT_CAVEAT, Assessment, Item
from sitewarden.passwords import hash_password
from sitewarden.results import utcnow
from sitewarden.store.assessments import save_assessments
from sitewarden.store.database import Database, open_database
from sitewarden.store.users import add_user, create_token
from sitewarden.web.app import create_app
from tests.fixtures.verdicts import NEWS_ADVISORY
from tests.fixtures.web import VIEWER_PASSWORD, LiveWeb, run_uvicorn, seed_fleet, viewer_browser

CORE_ADVISORY = {**NEWS_ADVISORY, "id": "TYPO3-CORE-SA-2024-001", "title": "XSS in the backend"}


def _judged(kind: str, key: str, product: str, version: str, verdict: str, **extra: Any) -> Assessment:
    source = extra.pop("source", None)
    return Assessment(Item(kind, key, product, version, source=source), verdict, f"{key} {version}: {verdict}", **extra)


def seed_branches(database: Database) -> None:
    """shop: TYPO3 12 in ELTS with a fix in its branch, an outdated extension, PHP 7.4 eol; blog: fingerprinted."""
    with database.transaction() as connection:
        save_assessments(connection, "shop", [
            _judged("core", "typo3", "typo3", "12.4.10", "insecure", advisories=[CORE_ADVISORY],
                    fixed_version="12.4.22", latest="13.4.1", branch="12", support="elts", branch_latest="12.4.22",
                    upgrade="major"),
            _judged("extension", "powermail", "ter:powermail", "12.1.4", "outdated", latest="12.3.5", branch="12",
                    support="supported", branch_latest="12.3.5", upgrade="none"),
            _judged("php", "php", "php", "7.4.33", "eol", latest="8.4.1", branch="7.4", support="eol",
                    branch_latest="7.4.33", upgrade="major"),
        ])  # fmt: skip
        save_assessments(connection, "blog", [
            _judged("core", "wordpress", "wordpress", "6.1.9", "outdated", latest="6.7.1", branch="6.1",
                    support="supported", branch_latest="6.1.12", upgrade="minor", caveat=FINGERPRINT_CAVEAT,
                    source="fingerprint"),
            _judged("plugin", "akismet", "wp-plugin:akismet", "5.3", "up_to_date", branch="5", support="supported",
                    caveat=FINGERPRINT_CAVEAT, source="fingerprint"),
        ])  # fmt: skip


@pytest.fixture
def branch_fleet(database_url: str) -> Iterator[LiveWeb]:
    database = open_database(database_url)
    check_ids = seed_fleet(database, ["shop", "blog"])
    seed_branches(database)
    with database.transaction() as connection:
        add_user(connection, "victor", hash_password(VIEWER_PASSWORD), "viewer", utcnow())
        token = create_token(connection, "victor", "tests", utcnow())
    server, thread, url = run_uvicorn(create_app(database))
    try:
        yield LiveWeb(url, database, token, token, check_ids)
    finally:
        server.should_exit = True
        thread.join(10)
        database.close()


def get(live: LiveWeb, path: str, **params: str) -> requests.Response:
    if path.startswith(("/metrics", "/health")):
        headers = {"Authorization": f"Bearer {live.viewer_token}"}
        answer = requests.get(live.url + path, params=params, headers=headers, timeout=10)
    else:  # pages take a signed-in browser, never a token
        answer = viewer_browser(live).get(live.url + path, params=params, timeout=10)
    assert answer.status_code == 200, answer.text[:300]
    return answer


def _row(html: str, key: str) -> str:
    return html.split(f'data-key="{key}">', 1)[1].split("</tr>", 1)[0]


def test_the_site_page_shows_branch_support_fix_upgrade_and_caveat(branch_fleet: LiveWeb) -> None:
    shop = get(branch_fleet, "/sites/shop").text
    core = _row(shop, "typo3")
    assert '<td data-role="branch">12 <span class="support elts">elts</span>' in core
    assert '<td data-role="fixed">12.4.22</td>' in core and '<td data-role="branch-latest">12.4.22</td>' in core
    assert '<td data-role="upgrade">major to 13.4.1</td>' in core
    assert '<span class="support eol">eol</span>' in _row(shop, "php")
    assert '<td data-role="upgrade"></td>' in _row(shop, "powermail")
    blog = _row(get(branch_fleet, "/sites/blog").text, "wordpress")
    assert f'data-role="caveat">{FINGERPRINT_CAVEAT}</div>' in blog
    assert '<td data-role="upgrade">minor to 6.7.1</td>' in blog


def test_the_extensions_page_marks_eol_branches_and_versions_seen_from_outside(branch_fleet: LiveWeb) -> None:
    html = get(branch_fleet, "/extensions").text
    akismet = html.split('data-key="akismet"', 1)[1].split("</tr>", 1)[0]
    assert f'data-role="caveat" title="{FINGERPRINT_CAVEAT}"' in akismet
    powermail = html.split('data-key="powermail"', 1)[1].split("</tr>", 1)[0]
    assert "branch 12 supported" in powermail and 'data-role="caveat"' not in powermail


def test_the_api_gives_branch_support_upgrade_and_caveat_of_stored_verdicts(branch_fleet: LiveWeb) -> None:
    items = {item["key"]: item for item in get(branch_fleet, "/api/v1/sites/blog/inventory").json()["items"]}
    assert items["wordpress"]["caveat"] == FINGERPRINT_CAVEAT and items["wordpress"]["branch_latest"] == "6.1.12"
    verdicts = get(branch_fleet, "/api/v1/verdicts", site="shop", verdict="insecure").json()["items"]
    assert [(v["branch"], v["support"], v["upgrade"], v["fix_upgrade"]) for v in verdicts] == [
        ("12", "elts", "major", False)
    ]


def test_metrics_count_items_by_support_state_and_upgrade(branch_fleet: LiveWeb) -> None:
    text = get(branch_fleet, "/metrics").text
    samples = {
        (sample.name, tuple(sample.labels.values())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert samples[("sitewarden_items_by_support", ("elts",))] == 1
    assert samples[("sitewarden_items_by_support", ("eol",))] == 1
    assert samples[("sitewarden_items_by_support", ("supported",))] == 3
    assert samples[("sitewarden_items_by_upgrade", ("major",))] == 2
    assert samples[("sitewarden_items_by_upgrade", ("minor",))] == 1
    assert samples[("sitewarden_sites_by_verdict", ("insecure",))] == 1
    assert samples[("sitewarden_sites_by_verdict", ("outdated",))] == 1


def test_reports_give_branch_support_upgrade_and_the_caveat(branch_fleet: LiveWeb, tmp_path: Path) -> None:
    from sitewarden.app.reports import collect
    from sitewarden.config.loader import load_config
    from sitewarden.events.reports import render_client

    path = tmp_path / "sitewarden.yaml"
    path.write_text(
        "sites:\n  - {name: shop, url: 'http://127.0.0.1:9/shop'}\n  - {name: blog, url: 'http://127.0.0.1:9/blog'}\n"
    )
    config = load_config(path)
    shop, blog = collect(config, branch_fleet.database, ["shop", "blog"])
    core = next(finding for finding in shop.findings if finding.title.startswith("TYPO3 core"))
    assert core.detail == "XSS in the backend; branch 12 (elts); a major upgrade is available (latest 13.4.1)"
    assert core.fix == "update to 12.4.22 or later"
    php = next(finding for finding in shop.findings if finding.title.startswith("PHP"))
    assert php.title == "PHP 7.4.33 reached end of life" and "branch 7.4 (eol)" in php.detail
    text = render_client(config, blog, utcnow()).text
    assert "WordPress core 6.1.9 is outdated in its branch" in text and FINGERPRINT_CAVEAT in text
