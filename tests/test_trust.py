"""The config file is the trust boundary: what a store-defined site (API, `sites import`) may not use by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from sitewarden.app.sites import import_sites
from sitewarden.config.loader import parse_config
from tests.fixtures.web import LiveWeb

HOST_FILE_LINE = "host-file-content-0123456789"
URL = "http://127.0.0.1:9/"


def refused_forms(host_file: Path) -> list[tuple[dict[str, Any], str, str]]:
    """(definition, field path, reason) for every form a store-defined site may not use by default."""
    env = "${ENV} references can only be used in the config file"
    file_ = "file: references can only be used in the config file"
    path = "a path on the monitoring host can only be given in the config file"
    return [
        ({"checks": [{"kind": "command", "command": ["/bin/sh", "-c", "id"]}]}, "checks[0].kind", "kind 'command'"),
        ({"checks": [{"kind": "ssh", "user": "root", "command": "id"}]}, "checks[0].kind", "kind 'ssh'"),
        ({"secret": "${HOME}"}, "secret", env),
        ({"http": {"headers": {"X-Leak": "v=${HOME}"}}}, "http.headers.X-Leak", env),
        ({"secret": f"file:{host_file}"}, "secret", file_),
        ({"http": {"basic_auth": {"user": "u", "password": f"file:{host_file}"}}}, "http.basic_auth.password", file_),
        ({"http": {"ca_file": str(host_file)}}, "http.ca_file", path),
        ({"checks": [{"kind": "tls", "ca_file": str(host_file)}]}, "checks[0].ca_file", path),
    ]


@pytest.fixture
def host_file(tmp_path: Path) -> Path:
    path = tmp_path / "host-secret"
    path.write_text(HOST_FILE_LINE + "\n")
    return path


def test_the_api_refuses_every_form_reserved_to_the_config_file(live_web: LiveWeb, host_file: Path) -> None:
    headers = {"Authorization": f"Bearer {live_web.admin_token}"}
    for index, (extra, where, reason) in enumerate(refused_forms(host_file)):
        body = {"name": f"attack{index}", "url": URL, **extra}
        answer = requests.post(f"{live_web.url}/api/v1/sites", json=body, headers=headers, timeout=10)
        assert answer.status_code == 422, (where, answer.text)
        assert answer.json()["error"].startswith(f"{where}: "), answer.text
        assert reason in answer.json()["error"]
        assert HOST_FILE_LINE not in answer.text
        put = requests.put(f"{live_web.url}/api/v1/sites/attack{index}", json=body, headers=headers, timeout=10)
        assert put.status_code == 422 and put.json()["error"] == answer.json()["error"]


def test_a_check_added_to_a_store_site_is_held_to_the_same_rules(live_web: LiveWeb) -> None:
    headers = {"Authorization": f"Bearer {live_web.admin_token}"}
    base = f"{live_web.url}/api/v1/sites"
    assert requests.post(base, json={"name": "plain", "url": URL}, headers=headers, timeout=10).status_code == 201
    check = {"kind": "command", "name": "id", "command": ["/bin/sh", "-c", "id"]}
    answer = requests.post(f"{base}/plain/checks", json=check, headers=headers, timeout=10)
    assert answer.status_code == 422 and answer.json()["error"].startswith("checks[0].kind: ")


def test_literal_secrets_are_accepted_and_never_returned(live_web: LiveWeb) -> None:
    headers = {"Authorization": f"Bearer {live_web.admin_token}"}
    body = {"name": "literal", "url": URL, "http": {"basic_auth": {"user": "u", "password": "Literal-pw-0123"}}}
    created = requests.post(f"{live_web.url}/api/v1/sites", json=body, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    shown = requests.get(f"{live_web.url}/api/v1/sites/literal", headers=headers, timeout=10)
    assert "Literal-pw-0123" not in created.text + shown.text
    assert shown.json()["definition"]["http"]["basic_auth"]["password"] == "**********"


def test_sites_import_refuses_every_form_reserved_to_the_config_file(sqlite_url: str, host_file: Path) -> None:
    forms = refused_forms(host_file)
    sites = [{"name": f"attack{index}", "url": URL, **extra} for index, (extra, _, _) in enumerate(forms)]
    path = host_file.parent / "sites.yaml"
    path.write_text(yaml.safe_dump({"sites": sites}))
    config = parse_config(f"store: {{url: '{sqlite_url}'}}\n", "c.yaml")
    report = import_sites(config, path)
    assert report.added == []
    assert len(report.refused) == len(forms)
    for (_, reason), (_, where, expected) in zip(report.refused, forms, strict=True):
        assert reason.startswith(f"{where}: ") and expected in reason
    assert HOST_FILE_LINE not in "\n".join(report.lines())


def test_the_config_may_allow_references_and_kinds_for_store_sites(sqlite_url: str, host_file: Path) -> None:
    allowed = (
        "web: {api_sites: {extra_kinds: [command], env_references: true, file_references: true, host_paths: true}}"
    )
    config = parse_config(f"store: {{url: '{sqlite_url}'}}\n{allowed}\n", "c.yaml")
    forms = [extra for extra, _, _ in refused_forms(host_file) if extra.get("checks", [{}])[0].get("kind") != "ssh"]
    sites = [{"name": f"allowed{index}", "url": URL, **extra} for index, extra in enumerate(forms)]
    path = host_file.parent / "sites.yaml"
    path.write_text(yaml.safe_dump({"sites": sites}))
    report = import_sites(config, path)
    assert report.refused == [] and len(report.added) == len(forms)
