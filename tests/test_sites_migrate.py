"""Moving in from timon, pmon and t3monitoring: each example file imported as a user would, and through the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sitewarden.app.sites import import_sites
from sitewarden.config.loader import parse_config
from sitewarden.config.models import Config
from sitewarden.store.database import open_database
from sitewarden.store.sites import site_definitions_list

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples" / "migrate"
SECRETS = (
    "Intranet-ssh-pass-01", "Db-ssh-pass-02", "Mail-pass-03", "acme-client-secret-0001", "Staging-pass-77",
    "ms-client-secret-0001", "Pub-pass-'quoted'-9", "abc123",
)  # fmt: skip


def config_file(tmp_path: Path, database_url: str, extra: str = "") -> Path:
    path = tmp_path / "sitewarden.yaml"
    path.write_text(f"store: {{url: '{database_url}'}}\n{extra}")
    return path


def stored(database_url: str) -> dict[str, dict[str, Any]]:
    database = open_database(database_url)
    try:
        with database.transaction() as connection:
            return {str(item["name"]): item for item in site_definitions_list(connection)}
    finally:
        database.close()


def cli(*args: str) -> tuple[int, str]:
    """`sitewarden sites import ...` in its own process, as a user runs it (stdout and stderr together)."""
    command = [sys.executable, "-m", "sitewarden", "sites", "import", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, timeout=60, cwd=ROOT)
    return done.returncode, done.stdout + done.stderr


def checks(site: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in site["checks"]}


def test_timon_config_becomes_sites_checks_intervals_and_targets(tmp_path: Path, database_url: str) -> None:
    code, output = cli("examples/migrate/timon.yaml", "-c", str(config_file(tmp_path, database_url)))
    assert code == 0, output
    sites = stored(database_url)
    assert sorted(sites) == ["api", "blog", "shop"]
    shop = sites["shop"]
    assert (shop["url"], shop["groups"]) == ("https://shop.example.org/", ["customer-acme", "level-prod"])
    assert shop["contacts"] == ["ops@example.org", "anna@example.org"]
    assert checks(shop) == {
        "isup": {"kind": "http", "name": "isup", "expect_status": "200", "interval": 60.0, "retry_interval": 30.0},
        "cert": {"kind": "tls", "name": "cert", "interval": 43200.0, "retry_interval": 3600.0},
    }
    blog = sites["blog"]
    assert blog["url"] == "http://blog.example.net:8080/"
    assert checks(blog)["isup"]["url"] == "health.txt"
    api = checks(sites["api"])
    assert api == {
        "status-json": {"kind": "json", "name": "status-json", "url": "https://api.example.com/status",
                        "interval": 300.0, "retry_interval": 60.0},
    }  # fmt: skip
    assert "unsupported: examples/migrate/timon.yaml:23: hosts.api.probes.diskfree: probe class DiskFreeProbe" in output
    for line in (
        "timon.yaml:59: webif:",
        "timon.yaml:48: users.anna.phone:",
        "timon.yaml:24: hosts.api.client_cert:",
        "timon.yaml:22: hosts.api.probes.status_json.ok_rule:",
        "timon.yaml:43: notifiers.hook.url:",
    ):
        assert line in output  # fmt: skip
    assert "- {kind: webhook, url: '${TIMON_HOOK_URL}'}" in output
    assert "to: [ops@example.org, anna@example.org]" in output
    assert "3 added, 0 changed, 0 unchanged, 0 refused, 7 unsupported" in output
    assert not any(secret in output for secret in SECRETS)


def test_pmon_config_groups_urls_by_host_and_keeps_ssh_to_the_config(tmp_path: Path, database_url: str) -> None:
    code, output = cli(str(EXAMPLES / "pmon.ini"), "-c", str(config_file(tmp_path, database_url)))
    assert code == 0, output
    sites = stored(database_url)
    assert sorted(sites) == ["db-example-net", "intranet-example-net", "www-example-org"]
    www = checks(sites["www-example-org"])
    assert www == {
        "url-1": {"kind": "http", "name": "url-1", "expect_status": "200", "timeout": 8.0},
        "url-2": {"kind": "http", "name": "url-2", "expect_status": "200", "timeout": 8.0,
                  "url": "https://www.example.org/shop/cart"},
    }  # fmt: skip
    assert list(checks(sites["intranet-example-net"])) == ["url-3"]
    assert sites["db-example-net"]["checks"] == []
    assert "pmon.ini:17 (intranet-example-net): checks.process-3: ssh checks are defined in the config file" in output
    assert "pmon.ini:38: email.pwd: smtp settings belong in the config file's smtp section" in output
    assert "pmon.ini:25: remote.url.3.scan_cmd: sitewarden lists processes itself" in output
    assert "pmon.ini:18: urls.url.4: scheme 'mysql' is not fetched over HTTP" in output
    assert not any(secret in output for secret in SECRETS)


def test_pmon_ssh_checks_are_imported_when_the_config_allows_ssh(tmp_path: Path, database_url: str) -> None:
    extra = "web: {api_sites: {extra_kinds: [ssh]}}\n"
    code, output = cli(str(EXAMPLES / "pmon.ini"), "-c", str(config_file(tmp_path, database_url, extra)))
    assert code == 0, output
    intranet = checks(stored(database_url)["intranet-example-net"])
    assert intranet["process-3"] == {
        "kind": "ssh", "name": "process-3", "host": "intranet.example.net", "user": "monitor",
        "password": "Intranet-ssh-pass-01", "process": r"java\ \-jar\ intranet\.jar",
    }  # fmt: skip
    assert intranet["log-3"]["log"] == "/var/log/intranet/*.log"
    assert intranet["log-3"]["pattern"] == "(?i)OutOfMemoryError"
    assert "Intranet-ssh-pass-01" not in output


def test_t3monitoring_csv_becomes_sites_with_a_typo3_client_check(tmp_path: Path, database_url: str) -> None:
    code, output = cli(str(EXAMPLES / "t3monitoring-clients.csv"), "-c", str(config_file(tmp_path, database_url)))
    assert code == 0, output
    sites = stored(database_url)
    assert sorted(sites) == ["acme-shop", "acme-staging", "beta-verein"]
    shop = sites["acme-shop"]
    assert (shop["url"], shop["secret"], shop["groups"]) == (
        "https://www.acme.example/", "acme-client-secret-0001", ["sla-1", "tag-2", "tag-3"],
    )  # fmt: skip
    assert [check["kind"] for check in shop["checks"]] == ["http", "typo3_client"]
    staging = sites["acme-staging"]
    assert staging["http"] == {
        "basic_auth": {"user": "preview", "password": "Staging-pass-77"}, "verify_tls": False, "ip_family": 4,
    }  # fmt: skip
    beta = sites["beta-verein"]
    assert beta["http"] == {"host_header": "www.beta-verein.example", "ip_family": 6}
    assert beta["url"] == "https://beta-verein.example/"
    assert beta["checks"] == [{"kind": "http", "name": "web", "enabled": False}]
    for line in (
        "csv:2: php_version: state t3monitoring collected",
        "csv:4 (uid 3, Beta Verein): hidden:",
        "csv:4 (uid 3, Beta Verein): secret: empty",
        "csv:5 (uid 4, Old Portal): deleted:",
        "csv:2 (uid 1, ACME Shop): sla: SLA record 1 became group sla-1",
    ):
        assert line in output  # fmt: skip
    assert not any(secret in output for secret in SECRETS)


def test_t3monitoring_sql_dump_is_read_without_running_it(tmp_path: Path, database_url: str) -> None:
    config = parse_config(f"store: {{url: '{database_url}'}}\n", "c.yaml")
    report = import_sites(config, EXAMPLES / "t3monitoring-clients.sql")
    assert (report.format, report.added, report.refused) == ("t3monitoring-sql", ["muller-sohne", "o-brien-pub"], [])
    sites = stored(database_url)
    pub = sites["o-brien-pub"]
    assert pub["http"] == {"basic_auth": {"user": "guest", "password": "Pub-pass-'quoted'-9"}, "verify_tls": False,
                           "ip_family": 6}  # fmt: skip
    assert (pub["secret"], pub["groups"]) == ("obrien-secret-0002", ["sla-silver"])  # titles from the same dump
    assert sites["muller-sohne"]["contacts"] == ["it@mueller-soehne.example"]
    assert sites["muller-sohne"]["groups"] == ["sla-gold", "tag-relaunch-2026"]
    where = [(item.where.rsplit("/", 1)[-1], item.field) for item in report.unsupported]
    assert where == [
        ("t3monitoring-clients.sql:29", "error_message"),
        ("t3monitoring-clients.sql:29 (uid 1, Müller & Söhne)", "sla"),
        ("t3monitoring-clients.sql:30 (uid 2, O'Brien Pub)", "sla"),
        ("t3monitoring-clients.sql:31 (uid 3, Gone Site)", "deleted"),
    ]
    assert not any(secret in "\n".join(report.lines()) for secret in SECRETS)


def test_explicit_format_overrides_detection(tmp_path: Path, sqlite_url: str) -> None:
    copy = tmp_path / "clients.txt"
    copy.write_text((EXAMPLES / "t3monitoring-clients.sql").read_text())
    code, output = cli(
        str(copy), "--format", "t3monitoring-sql", "--dry-run", "-c", str(config_file(tmp_path, sqlite_url))
    )
    assert code == 0, output
    assert "would add: muller-sohne" in output
    code, output = cli(str(copy), "--format", "nagios", "-c", str(config_file(tmp_path, sqlite_url)))
    assert (code, "unknown import format 'nagios'" in output) == (2, True)


INSERT = "INSERT INTO tx_t3monitoring_domain_model_client (uid, title)"


@pytest.mark.parametrize(
    ("name", "content", "fmt", "message"),
    [
        ("broken.yaml", "type: timon config\nhosts:\n  a: {addr: x\n  b: [\n", None,
         "broken.yaml:4:4: invalid YAML: expected ','"),
        ("nested.yaml", "hosts: " + "[" * 5000 + "]" * 5000, "timon", "nested.yaml"),
        ("open.sql", f"{INSERT} VALUES\n(1, 'open);",
         None, "open.sql:2:5: unterminated string starting here"),
        ("huge.sql", f"{INSERT} VALUES (1, '" + "y" * 1_100_000 + "');",
         None, "huge.sql:1:73: string starting here is longer than 1048576 characters"),
        ("huge.csv", "title,domain,secret\n\"" + "z" * 200_000 + "\",a.example,s\n", None, "huge.csv:2: invalid CSV"),
        ("short.csv", "title,domain,secret\nA,a.example\n", None, "short.csv:2: 2 cells for 3 columns"),
        ("bad.ini", "[urls]\nurl.1 = https://a.example/\njust words\n", None, "bad.ini:3: expected 'key = value'"),
        ("binary.sql", None, None, "binary.sql is not UTF-8 text"),
        ("notes.txt", "hello", None, "cannot import"),
    ],
)  # fmt: skip
def test_hostile_files_get_a_clear_message_with_position_and_exit_2(
    tmp_path: Path, sqlite_url: str, name: str, content: str | None, fmt: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is None:
        path.write_bytes(b"INSERT \xff\xfe\x00")
    else:
        path.write_text(content)
    code, output = cli(str(path), *(["--format", fmt] if fmt else []), "-c", str(config_file(tmp_path, sqlite_url)))
    assert code == 2, output
    assert message in output
    assert "Traceback" not in output


def test_imported_secrets_are_registered_and_redacted(tmp_path: Path, sqlite_url: str) -> None:
    from sitewarden.secrets import redact

    config: Config = parse_config(f"store: {{url: '{sqlite_url}'}}\n", "c.yaml")
    import_sites(config, EXAMPLES / "t3monitoring-clients.csv", dry_run=True)
    assert redact("token Staging-pass-77 and acme-client-secret-0001") == "token ********** and **********"


@pytest.mark.parametrize(
    ("example", "fmt", "added", "unsupported"),
    [
        ("timon.yaml", "timon", ["shop", "blog", "api"], 7),
        ("pmon.ini", "pmon", ["www-example-org", "intranet-example-net", "db-example-net"], 15),
        ("t3monitoring-clients.csv", "t3monitoring-csv", ["acme-shop", "acme-staging", "beta-verein"], 7),
        ("t3monitoring-clients.sql", "t3monitoring-sql", ["muller-sohne", "o-brien-pub"], 4),
    ],
)
def test_each_example_is_recognised_by_its_content_and_imported(
    tmp_path: Path, sqlite_url: str, example: str, fmt: str, added: list[str], unsupported: int
) -> None:
    renamed = tmp_path / "export.txt"  # no telling extension: the content decides
    renamed.write_text((EXAMPLES / example).read_text())
    config = parse_config(f"store: {{url: '{sqlite_url}'}}\n", "c.yaml")
    report = import_sites(config, renamed)
    assert (report.format, report.added, report.refused, len(report.unsupported)) == (fmt, added, [], unsupported)
    assert sorted(stored(sqlite_url)) == sorted(added)
    again = import_sites(config, renamed)
    assert (again.added, again.unchanged) == ([], added)
    assert report.as_dict()["unsupported"][0].keys() == {"where", "field", "reason"}
