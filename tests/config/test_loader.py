"""Config loading: every mistake reported with file, line and path; secrets resolved; defaults applied."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from sitewarden.config.loader import load_config, parse_config
from sitewarden.config.plan import plan_checks
from sitewarden.errors import ConfigError, ConfigErrors
from sitewarden.secrets import MASK, redact

DATA = Path(__file__).parent.parent / "data" / "config"

INVALID = [
    ("invalid-unknown-key.yaml", "5: sites[0].checks[0].intervall: unknown key 'intervall' (did you mean 'interval'?)"),
    ("invalid-duration.yaml", "2: defaults.interval: 'soon' is not a duration; write it like 30s, 10m, 1h30m or 2d"),
    ("invalid-kind.yaml", "2: checks[0]: unknown check kind 'htpp' (did you mean 'http'?)"),
    ("invalid-missing-url.yaml", "2: sites[0].url: required key 'url' is missing"),
    ("invalid-duplicate-site.yaml", "3: sites[1].name: site name 'shop' is already used by sites[0]"),
    (
        "invalid-status-range.yaml",
        "5: sites[0].checks[0].expect_status: '200-700' is not a status range between 100 and 599",
    ),
    ("invalid-regex.yaml", "5: sites[0].checks[0].regex: input should be a valid regular expression"),
    (
        "invalid-env.yaml",
        "5: sites[0].http.basic_auth.password: environment variable SITEWARDEN_TEST_UNSET_PASSWORD is not set",
    ),
    ("invalid-yaml.yaml", "4: invalid YAML: expected ',' or ']', but got '<stream end>'"),
    ("invalid-store.yaml", "2: store.url: expected sqlite:///path or postgresql+psycopg://user@host/db"),
    ("invalid-threshold.yaml", "2: defaults.failure_threshold: input should be greater than or equal to 1"),
    (
        "invalid-site-name.yaml",
        "2: sites[0].name: 'my shop' is not a valid name"
        " (start with a letter or digit, then only letters, digits, '_' or '-'; no spaces or dots)",
    ),
    ("invalid-standalone-url.yaml", "2: checks[0]: a check of kind 'http' outside a site needs a 'url'"),
    ("invalid-lease.yaml", "1: workers: renew_every must be shorter than lease, or leases expire between renewals"),
]


@pytest.mark.parametrize(("name", "expected"), INVALID, ids=[name for name, _ in INVALID])
def test_invalid_config_names_file_line_path_and_problem(name: str, expected: str) -> None:
    path = DATA / name
    with pytest.raises(ConfigErrors) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}:{expected}"
    assert caught.value.exit_code == 2


def test_every_mistake_is_reported_not_only_the_first() -> None:
    path = DATA / "invalid-three-mistakes.yaml"
    with pytest.raises(ConfigErrors) as caught:
        load_config(path)
    lines = str(caught.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{path}:2", f"{path}:9", f"{path}:12"]
    assert "sites[0].checks[0].keywrd: unknown key 'keywrd' (did you mean 'keyword'?)" in lines[1]
    assert "sites[0].checks[1].timeout" in lines[2]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.yaml")
    assert "config file not found" in str(caught.value)
    assert "sitewarden init" in str(caught.value)


def test_defaults_fill_every_unset_schedule_field() -> None:
    config = parse_config(
        """
defaults: {interval: 2m, retry_interval: 15s, timeout: 5s, failure_threshold: 4}
sites:
  - name: shop
    url: https://shop.example.org/
    checks:
      - {name: web, kind: http}
      - {name: fast, kind: http, interval: 30s, failure_threshold: 1}
"""
    )
    web, fast = plan_checks(config)
    assert (web.key, web.interval, web.retry_interval, web.timeout, web.failure_threshold) == (
        "shop/web",
        120.0,
        15.0,
        5.0,
        4,
    )
    assert (fast.interval, fast.failure_threshold, fast.success_threshold) == (30.0, 1, 1)
    assert web.channel == "site.shop.web"


def test_secrets_come_from_environment_and_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "t3.secret"
    secret_file.write_text("from-a-file-123\nignored second line\n")
    monkeypatch.setenv("SHOP_PW", "s3cret-Value")
    config = parse_config(
        f"""
sites:
  - name: shop
    url: https://shop.example.org/
    secret: "file:{secret_file}"
    http: {{basic_auth: {{user: mon, password: "${{SHOP_PW}}"}}}}
"""
    )
    site = config.sites[0]
    assert site.http.basic_auth is not None
    assert site.http.basic_auth.password.get_secret_value() == "s3cret-Value"
    assert site.secret is not None and site.secret.get_secret_value() == "from-a-file-123"
    assert "s3cret-Value" not in repr(config) and "from-a-file-123" not in repr(config)


def test_relative_sqlite_path_is_relative_to_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "sitewarden.yaml"
    path.parent.mkdir()
    path.write_text('store: {url: "sqlite:///data/sw.db"}\n')
    assert load_config(path).store.url == f"sqlite:///{tmp_path / 'conf' / 'data' / 'sw.db'}"


def test_status_ranges_accept_codes_ranges_and_classes() -> None:
    config = parse_config(
        """
checks:
  - {name: api, kind: http, url: "https://api.example.org/", expect_status: [200, "301-302", "4xx"]}
"""
    )
    assert config.checks[0].expect_status == [(200, 200), (301, 302), (400, 499)]


def test_old_threshold_names_are_accepted() -> None:
    config = parse_config(
        """
checks:
  - {name: api, kind: http, url: "https://api.example.org/", warn_ms: 800, crit_ms: 3000}
"""
    )
    assert (config.checks[0].warning_ms, config.checks[0].critical_ms) == (800, 3000)


def test_duplicate_yaml_keys_are_errors() -> None:
    with pytest.raises(ConfigErrors) as caught:
        parse_config("defaults:\n  interval: 10s\n  interval: 20s\n", "dup.yaml")
    assert str(caught.value) == "dup.yaml:3: defaults.interval: duplicate key 'interval'"


def test_loading_a_config_registers_its_secrets_for_redaction(tmp_path: Path) -> None:
    secret = f"Loaded-{uuid.uuid4().hex}"
    path = tmp_path / "sitewarden.yaml"
    path.write_text(f"sites:\n  - {{name: shop, url: 'https://shop.example.org/', secret: '{secret}'}}\n")
    assert redact(secret) == secret
    load_config(path)
    assert redact(f"saw {secret}") == f"saw {MASK}"


def test_included_files_add_sites_and_their_errors_name_their_own_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "customers").mkdir()
    main = tmp_path / "sitewarden.yaml"
    main.write_text("include: customers/*.yaml\nsites:\n  - {name: own, url: 'http://127.0.0.1/'}\n")
    (tmp_path / "customers" / "a.yaml").write_text("sites:\n  - {name: a, url: 'http://127.0.0.1/a'}\n")
    (tmp_path / "customers" / "b.yaml").write_text("checks:\n  - {name: ping, kind: tcp, host: 127.0.0.1, port: 9}\n")
    config = load_config(main)
    assert [site.name for site in config.sites] == ["own", "a"]
    assert [spec.key for spec in plan_checks(config)] == ["ping"]
    (tmp_path / "customers" / "a.yaml").write_text(
        "sites:\n  - name: a\n    url: 'http://127.0.0.1/a'\n    colour: 1\n"
    )
    with pytest.raises(ConfigErrors) as raised:
        load_config(main)
    assert [str(error) for error in raised.value.errors] == [
        f"{tmp_path / 'customers' / 'a.yaml'}:4: sites[1].colour: unknown key 'colour'"
    ]


def test_an_include_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    main = tmp_path / "sitewarden.yaml"
    main.write_text("include: [nowhere/*.yaml]\n")
    with pytest.raises(ConfigErrors, match="include: no file matches 'nowhere/\\*.yaml'"):
        load_config(main)
