"""Generate docs/config.md from the config models: `python -m sitewarden.config.reference > docs/config.md`.

The reference is derived, never hand-written, so it cannot drift from what the loader accepts; a test compares the
committed file with a fresh generation.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from sitewarden.config.kinds import check_kinds
from sitewarden.config.models import CheckSchedule, Config

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _type_name(annotation: Any, metadata: list[Any] | None = None) -> str:
    metadata = metadata or []
    names = {getattr(item, "__name__", "") for item in metadata}
    for item in metadata:
        function = getattr(item, "func", None)
        if function is not None:
            names.add(getattr(function, "__name__", ""))
    if "parse_duration" in names:
        return "<duration>"
    if "parse_size" in names:
        return "<size>"
    if "resolve_secret" in names or annotation is SecretStr:
        return "<secret>"
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(arguments[0], list(arguments[1:]))
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(argument) for argument in arguments if argument is not type(None)]
        if parts and all(part.endswith("_check>") for part in parts):
            return "<check>"
        return " | ".join(dict.fromkeys(parts))
    if origin is typing.Literal:
        return " | ".join(repr(argument) if isinstance(argument, str) else str(argument) for argument in arguments)
    if origin in (list, tuple, set, frozenset):
        return f"[ {_type_name(arguments[0]) if arguments else '<any>'}, ... ]"
    if origin is dict:
        return f"{{ {_type_name(arguments[0])}: {_type_name(arguments[1])} }}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return f"<{_snake(annotation.__name__)}>"
        if issubclass(annotation, enum.Enum):
            return " | ".join(str(member.value) for member in annotation)
        return {
            "str": "<string>",
            "int": "<int>",
            "float": "<float>",
            "bool": "<boolean>",
            "Path": "<filename>",
            "Pattern": "<regex>",
        }.get(annotation.__name__, f"<{annotation.__name__.lower()}>")
    if annotation is typing.Any:
        return "<any>"
    text = str(annotation)
    if "Pattern" in text:
        return "<regex>"
    return "<" + re.sub(r"^typing\.", "", text) + ">"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _default(info: FieldInfo) -> str | None:
    if info.is_required():
        return None
    value: Any
    if info.default_factory is not None:
        try:
            value = info.default_factory()  # type: ignore[call-arg]
        except TypeError:
            return None
    else:
        value = info.default
    if value is None or value is PydanticUndefined:
        return None
    if isinstance(value, BaseModel):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if _type_name(info.annotation, list(info.metadata)) == "<duration>" and isinstance(value, int | float):
        from sitewarden.durations import format_duration

        return format_duration(float(value))
    if isinstance(value, list | dict) and not value:
        return None
    return str(value)


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    for argument in typing.get_args(annotation):
        found.extend(_nested_models(argument))
    return found


def _model_block(model: type[BaseModel], skip: set[str] | None = None) -> list[str]:
    lines = ["```yaml"]
    for name, info in model.model_fields.items():
        if skip and name in skip:
            continue
        description = (info.description or "").strip()
        type_name = _type_name(info.annotation, list(info.metadata))
        default = _default(info)
        required = info.is_required()
        if required:
            head = f"{name}: {type_name}"
        else:
            head = f"[ {name}: {type_name}" + (f" | default = {default}" if default else "") + " ]"
        if name == "kind" and typing.get_origin(info.annotation) is typing.Literal:
            head = f"kind: {typing.get_args(info.annotation)[0]}"
        if description:
            lines.append(f"# {description}")
        lines.append(head)
        lines.append("")
    if lines[-1] == "":
        lines.pop()
    lines.append("```")
    return lines


def _section(title: str, model: type[BaseModel], seen: set[type[BaseModel]], skip: set[str] | None = None) -> list[str]:
    if model in seen:
        return []
    seen.add(model)
    lines = [f"### `<{_snake(model.__name__)}>`", "", (model.__doc__ or "").strip().splitlines()[0], ""]
    lines += _model_block(model, skip)
    lines.append("")
    for info in model.model_fields.values():
        for nested in _nested_models(info.annotation):
            if nested.__name__.endswith("Check"):
                continue
            lines += _section(nested.__name__, nested, seen)
    return lines


def _example(kind: str) -> list[str]:
    for folder in sorted(EXAMPLES.glob("*/")):
        for name in (f"{kind}.yaml", f"{kind}_probe.yaml"):
            path = folder / name
            if path.exists():
                shown = str(path.relative_to(EXAMPLES.parent))
                return [f"Example (`{shown}`):", "", "```yaml", path.read_text().strip(), "```", ""]
    return []


def generate() -> str:
    seen: set[type[BaseModel]] = set()
    lines = [
        "# Configuration reference",
        "",
        "Generated from the config models by `make docs`; do not edit by hand.",
        "",
        "Notation: `<duration>` is `250ms`, `30s`, `10m`, `1h30m`, `2d`; `<size>` is `512k`, `1MiB`;",
        "`<secret>` is text, `${ENV_VAR}` or `file:/path` (first line of the file) and is never shown;",
        "`[ ... ]` marks an optional key with its default.",
        "`${ENV_VAR}` (or `${ENV_VAR:-default}`) works in every string value.",
        "",
        "## The file",
        "",
    ]
    lines += _section("Config", Config, seen)
    lines += ["## Checks", "", "Every check has these keys, whatever its kind:", ""]
    lines += _model_block(CheckSchedule)
    lines.append("")
    schedule = set(CheckSchedule.model_fields)
    for kind, cls in sorted(check_kinds().items()):
        params = cls.params
        lines += [f"### kind `{kind}`", "", (params.__doc__ or "").strip().splitlines()[0], ""]
        lines += _model_block(params, skip=schedule - {"kind"})
        lines.append("")
        lines += _example(kind)
        for info in params.model_fields.values():
            for nested in _nested_models(info.annotation):
                lines += _section(nested.__name__, nested, seen)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(generate(), end="")
