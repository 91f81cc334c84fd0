"""Handler and processor registries: every module registered under its own name, each kind with an example."""

from __future__ import annotations

from pathlib import Path

import pytest

import sitewarden.events.handlers as handlers_package
import sitewarden.events.processors as processors_package
from sitewarden.config.loader import load_config
from sitewarden.events.handlers import HANDLERS
from sitewarden.events.processors import PROCESSORS

EXAMPLES = Path(__file__).parents[3] / "examples" / "events"


@pytest.mark.parametrize(
    ("package", "registry", "suffix"), [(handlers_package, HANDLERS, "_handler"), (processors_package, PROCESSORS, "")]
)
def test_every_module_is_registered_under_its_name(package: object, registry: dict[str, type], suffix: str) -> None:
    folder = Path(package.__file__).parent  # type: ignore[attr-defined]
    modules = {path.stem.removesuffix(suffix) for path in folder.glob("*.py")} - {"__init__", "base"}
    assert modules == set(registry)
    for kind, cls in registry.items():
        assert cls.kind == kind and cls.params.model_fields["kind"].default == kind


@pytest.mark.parametrize("kind", sorted(HANDLERS))
def test_every_handler_kind_has_a_valid_example(kind: str) -> None:
    config = load_config(EXAMPLES / f"{kind}.yaml")
    assert any(handler.kind == kind for target in config.targets for handler in target.handlers)


def test_every_example_loads() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        load_config(path)
