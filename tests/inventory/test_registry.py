"""The collector registry: every module with a collector is registered, kind = module name, each has an example."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitewarden.config.kinds import check_kinds
from sitewarden.config.loader import load_config
from sitewarden.inventory import COLLECTORS

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "examples" / "inventory"


def test_kind_is_module_name_and_runs_as_a_check() -> None:
    assert sorted(COLLECTORS) == ["cms_health", "fingerprint", "typo3_client"]
    for kind, cls in COLLECTORS.items():
        assert cls.__module__ == f"sitewarden.inventory.{kind}"
        assert cls.params.model_fields["kind"].default == kind
        assert check_kinds()[kind] is cls


@pytest.mark.parametrize("kind", sorted(COLLECTORS))
def test_every_kind_has_a_valid_example(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("T3_SECRET", "T3_BASIC_AUTH"):
        monkeypatch.setenv(name, "example-secret-1")
    for name in ("WP_TOKEN", "T3_REACTION_TOKEN", "INTRANET_PUSH_TOKEN"):
        monkeypatch.setenv(name, "ExampleToken0123456789")
    config = load_config(EXAMPLES / f"{kind}.yaml")
    kinds = {check.kind for site in config.sites for check in site.checks}
    assert kind in kinds
