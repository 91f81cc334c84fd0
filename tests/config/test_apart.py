"""A large config loaded in a child process arrives whole: same config, secrets registered, same errors."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from sitewarden.config.apart import LOAD_APART_FROM, _large, load_config_apart
from sitewarden.config.loader import load_config
from sitewarden.errors import ConfigErrors
from sitewarden.secrets import MASK, redact

CONFIG = """
store: {{url: "sqlite:///{db}"}}
sites:
  - name: shop
    url: https://shop.example/
    http: {{basic_auth: {{user: monitor, password: "{password}"}}}}
    checks:
      - {{name: web, kind: http, url: /cart, keyword: Add to cart, regex: "Total: [0-9]+"}}
      - {{name: cert, kind: tls}}
checks:
  - {{name: ping, kind: tcp, host: 127.0.0.1, port: 9}}
"""


def test_a_config_loaded_apart_equals_one_loaded_here(tmp_path: Path) -> None:
    password = "apart-Secret-4921"
    path = tmp_path / "sitewarden.yaml"
    path.write_text(CONFIG.format(db=tmp_path / "s.db", password=password))
    apart = load_config_apart(path, threshold=0)
    here = load_config(path)
    assert apart.model_dump() == here.model_dump()
    assert apart.sites[0].checks[0].regex.pattern == "Total: [0-9]+"
    assert redact(f"sent {password}") == f"sent {MASK}"


def test_a_check_model_survives_pickling(tmp_path: Path) -> None:
    path = tmp_path / "sitewarden.yaml"
    path.write_text(CONFIG.format(db=tmp_path / "s.db", password="x-Secret-1234"))
    check = load_config(path).sites[0].checks[0]
    copy = pickle.loads(pickle.dumps(check))
    assert type(copy) is type(check) and copy == check and copy.model_fields_set == check.model_fields_set


def test_a_broken_config_loaded_apart_reports_as_usual(tmp_path: Path) -> None:
    path = tmp_path / "sitewarden.yaml"
    path.write_text(
        "sites:\n  - name: shop\n    url: https://shop.example/\n    checks:\n      - {kind: http, interval: soon}\n"
    )
    with pytest.raises(ConfigErrors) as caught:
        load_config_apart(path, threshold=0)
    assert str(caught.value).startswith(f"{path}:5: sites[0].checks[0].interval: 'soon' is not a duration")
    assert caught.value.exit_code == 2


def test_only_large_files_or_files_with_includes_go_apart(tmp_path: Path) -> None:
    path = tmp_path / "sitewarden.yaml"
    path.write_text(CONFIG.format(db=tmp_path / "s.db", password="x-Secret-1234"))
    assert not _large(path, LOAD_APART_FROM)
    assert _large(path, threshold=100)
    path.write_text("include: customers/*.yaml\n")
    assert _large(path, LOAD_APART_FROM)
