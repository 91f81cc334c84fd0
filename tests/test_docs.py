"""Docs stay true: the config reference matches the models, every example loads, the README keeps two commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitewarden.config.loader import load_config
from sitewarden.config.reference import generate
from tests.conftest import ROOT

MIGRATE = ROOT / "examples" / "migrate"  # other tools' files for `sites import`, tested in tests/test_sites_migrate.py
EXAMPLES = sorted(path for path in (ROOT / "examples").rglob("*.yaml") if MIGRATE not in path.parents)


def test_config_reference_is_generated_from_the_models() -> None:
    committed = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    assert committed == generate(), "docs/config.md is stale: run `make docs`"


@pytest.mark.parametrize("path", EXAMPLES, ids=[str(path.relative_to(ROOT)) for path in EXAMPLES])
def test_every_example_config_loads(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", path.read_text(encoding="utf-8")):
        monkeypatch.setenv(name, "Example-Secret-Value-1")
    load_config(path)


def test_every_check_kind_has_an_example() -> None:
    from sitewarden.config.kinds import check_kinds

    text = "\n".join(path.read_text(encoding="utf-8") for path in EXAMPLES)
    missing = [kind for kind in check_kinds() if not re.search(rf"kind:\s*{kind}\b", text)]
    assert missing == []


def test_readme_quick_start_has_exactly_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
