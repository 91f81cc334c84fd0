"""`sitewarden sites import`: CSV and YAML rows validated as sites, secrets kept as references, a clear report."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from sitewarden.app.sites import import_sites
from sitewarden.config.loader import parse_config
from sitewarden.secrets import redact
from sitewarden.store.database import open_database
from sitewarden.store.sites import site_definitions_list

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples" / "inventory"
SECRET = "Shop5ecretValue0123456789"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_T3_SECRET", SECRET)
    monkeypatch.setenv("BLOG_HEALTH_TOKEN", "BlogToken0123456789abc")
    monkeypatch.setenv("INTRANET_T3_SECRET", "intranet-secret-1")


def config_for(database_url: str, sites: str = "", *, references: bool = True) -> object:
    """A config whose web.api_sites lets imported sites use ${ENV} references (the examples use them)."""
    allowed = "web: {api_sites: {env_references: true}}\n" if references else ""
    return parse_config(f"store: {{url: '{database_url}'}}\n{allowed}{sites}", "c.yaml")


def stored(database_url: str) -> dict[str, dict[str, object]]:
    database = open_database(database_url)
    try:
        with database.transaction() as connection:
            return {str(item["name"]): item for item in site_definitions_list(connection)}
    finally:
        database.close()


def test_csv_import_adds_sites_with_secret_references(env: None, database_url: str) -> None:
    config = config_for(database_url)
    report = import_sites(config, EXAMPLES / "sites.csv")  # type: ignore[arg-type]
    assert (report.added, report.changed, report.refused) == (["t3-shop", "wp-blog", "plain"], [], [])
    saved = stored(database_url)
    assert saved["t3-shop"]["secret"] == "${SHOP_T3_SECRET}"
    assert saved["t3-shop"]["groups"] == ["customer-a", "sla-gold"]
    assert [check["kind"] for check in saved["t3-shop"]["checks"]] == ["http", "typo3_client"]  # type: ignore[index]
    health = saved["wp-blog"]["checks"][1]  # type: ignore[index]
    assert health == {"kind": "cms_health", "name": "health", "token": "${BLOG_HEALTH_TOKEN}", "flavour": "spec"}
    assert [check["kind"] for check in saved["plain"]["checks"]] == ["http", "fingerprint"]  # type: ignore[index]
    assert SECRET not in repr(saved)


def test_second_import_reports_unchanged_and_changed(env: None, database_url: str, tmp_path: Path) -> None:
    config = config_for(database_url)
    import_sites(config, EXAMPLES / "sites.csv")  # type: ignore[arg-type]
    changed = tmp_path / "sites.csv"
    changed.write_text(
        (EXAMPLES / "sites.csv").read_text().replace("https://www.example.org/", "https://www2.example.org/")
    )
    report = import_sites(config, changed)  # type: ignore[arg-type]
    assert (report.added, report.changed, report.unchanged) == ([], ["plain"], ["t3-shop", "wp-blog"])


def test_dry_run_reports_and_writes_nothing(env: None, database_url: str) -> None:
    report = import_sites(config_for(database_url), EXAMPLES / "sites.yaml", dry_run=True)  # type: ignore[arg-type]
    assert report.added == ["t3-intranet"]
    assert report.lines()[-1] == "1 added, 0 changed, 0 unchanged, 0 refused (dry run: nothing written)"
    assert report.lines()[0] == "would add: t3-intranet"
    assert stored(database_url) == {}


def test_bad_rows_are_refused_with_their_line_and_reason(env: None, sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(
        "sites:\n"
        "  - {name: literal, url: https://a.example.org/, secret: plain-value-here}\n"
        "  - {name: nourl, url: not-a-url}\n"
        "  - {name: noenv, url: https://b.example.org/, secret: '${UNSET_VARIABLE_X}'}\n"
        "  - {name: shop, url: https://c.example.org/}\n"
        "  - {name: weak, url: https://d.example.org/, checks: [{kind: cms_health, token: '${WEAK_TOKEN}'}]}\n"
        "  - {name: ok, url: https://e.example.org/}\n"
        "  - {name: ok, url: https://f.example.org/}\n"
        "  - {name: runs, url: https://g.example.org/, checks: [{kind: command, command: ['true']}]}\n"
    )
    import os

    os.environ["WEAK_TOKEN"] = "weak-token"
    try:
        config = config_for(sqlite_url, "sites:\n  - {name: shop, url: 'https://shop.example.org/'}\n")
        report = import_sites(config, path)  # type: ignore[arg-type]
    finally:
        del os.environ["WEAK_TOKEN"]
    reasons = dict(report.refused)
    assert report.added == ["literal", "ok"]
    where = str(path)
    assert "not an absolute http:// or https:// URL" in reasons[f"{where}:3 (nourl)"]
    assert reasons[f"{where}:4 (noenv)"] == "secret: environment variable UNSET_VARIABLE_X is not set"
    assert reasons[f"{where}:5 (shop)"] == "the config file defines this site; edit it there"
    assert "the token must be at least 16 characters long" in reasons[f"{where}:6 (weak)"]
    assert "weak-token" not in repr(report.as_dict())
    assert reasons[f"{where}:8 (ok)"] == "the file names this site twice"
    assert (
        reasons[f"{where}:9 (runs)"]
        == "checks[0].kind: a check of kind 'command' can only be defined in the config file"
    )
    assert "plain-value-here" not in "\n".join(report.lines())


def test_imported_secrets_are_registered_for_redaction(
    env: None, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = f"intranet-{uuid.uuid4().hex}"
    monkeypatch.setenv("INTRANET_T3_SECRET", fresh)
    assert redact(f"key {fresh} seen") != "key ********** seen"
    import_sites(config_for(sqlite_url), EXAMPLES / "sites.yaml", dry_run=True)  # type: ignore[arg-type]
    assert redact(f"key {fresh} seen") == "key ********** seen"


def test_unknown_csv_column_is_an_error(sqlite_url: str, tmp_path: Path) -> None:
    from sitewarden.errors import SitewardenError

    path = tmp_path / "s.csv"
    path.write_text("name,url,password\nx,https://x.example.org/,pw\n")
    with pytest.raises(SitewardenError, match="unknown column"):
        import_sites(config_for(sqlite_url), path)  # type: ignore[arg-type]
