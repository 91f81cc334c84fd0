"""YAML read safely with the line of every node kept, so a foreign file's items are reported as FILE:LINE."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from sitewarden.errors import InputFileError


@dataclass
class YamlDocument:
    """The plain data and the node tree of one YAML document."""

    name: str
    data: Any
    node: yaml.Node | None

    def where(self, path: tuple[Any, ...]) -> str:
        """FILE:LINE of the deepest node of `path` that exists."""
        node, line = self.node, 1
        for key in path:
            if node is None:
                break
            line = node.start_mark.line + 1
            node = _child(node, key)
        if node is not None:
            line = node.start_mark.line + 1
        return f"{self.name}:{line}"

    def error(self, path: tuple[Any, ...], message: str) -> InputFileError:
        return InputFileError(f"{self.where(path)}: {message}")


def _child(node: yaml.Node, key: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
                return value  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]  # type: ignore[no-any-return]
    return None


def load_yaml(text: str, name: str) -> YamlDocument:
    """Parse once for data and once for lines; a syntax error names FILE:LINE:COLUMN and exits 2 in the CLI."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise InputFileError(f"{where}: invalid YAML: {problem}") from None
    except RecursionError:
        raise InputFileError(f"{name}: invalid YAML: nested too deeply") from None
    return YamlDocument(name, data, node)
