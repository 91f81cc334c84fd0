"""YAML → Config, with every problem reported as `FILE:LINE: path: message`, all at once."""

from __future__ import annotations

import difflib
import glob
import os
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sitewarden.config.kinds import check_kinds
from sitewarden.config.models import Config, check_fields
from sitewarden.config.sharing import share_checks
from sitewarden.errors import ConfigError, ConfigErrors
from sitewarden.names import NAME_PATTERN
from sitewarden.secrets import expand_env, register_secrets

DEFAULT_CONFIG = "sitewarden.yaml"
PathKey = tuple[str | int, ...]


class SourceMap:
    """Line numbers (1-based) of every mapping key and sequence item, by their path in the document.

    Built only when a line is asked for, that is when validation found a problem: the pure-Python composer that
    knows line numbers costs about twenty times the C loader and a large share of memory on big fleets.
    Included files keep their own map; `sites` and `checks` items from them are located there.
    """

    def __init__(self, text: str = "", filename: str = "<config>") -> None:
        self.text = text
        self.filename = filename
        self._lines: dict[PathKey, int] | None = None if text else {}
        self.included: dict[tuple[str, int], tuple[SourceMap, int]] = {}

    @property
    def lines(self) -> dict[PathKey, int]:
        if self._lines is None:
            self._lines = _mapped_yaml(self.text, self.filename)[1]
        return self._lines

    def line_of(self, path: PathKey) -> int | None:
        """The line of `path` in this file (for a path into an included file: that file's own line)."""
        return self.locate(path)[1]

    def locate(self, path: PathKey) -> tuple[str, int | None]:
        """The file and line of `path`."""
        if len(path) >= 2 and (path[0], path[1]) in self.included:
            source, local = self.included[(str(path[0]), int(path[1]))]
            return source.locate((path[0], local, *path[2:]))
        while path:
            if path in self.lines:
                return self.filename, self.lines[path]
            path = path[:-1]
        return self.filename, self.lines.get((), None)


def default_config_path() -> Path:
    return Path(os.environ.get("SITEWARDEN_CONFIG") or DEFAULT_CONFIG)


def load_config(path: Path | str) -> Config:
    """Read and validate a config file and register its secrets; raise ConfigErrors naming every problem found."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            "config file not found", file=str(path), hint="create one with `sitewarden init`, or pass -c FILE"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file: {exc.strerror or exc}", file=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("config file is not UTF-8 text", file=str(path)) from None
    config = parse_config(text, str(path), base_dir=path.parent)
    register_secrets(config)
    return config


def parse_config(text: str, filename: str = "<config>", base_dir: Path | None = None) -> Config:
    """Validate YAML text as a Config; `base_dir` anchors relative SQLite paths."""
    data, source = _read_yaml(text, filename)
    data = _include(data, source, base_dir or Path.cwd())
    errors: list[ConfigError] = []
    data = _expand(data, (), source, filename, errors)
    share_checks(data)
    config: Config | None = None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        errors.extend(_translate(exc, data, source, filename))
    if config is not None:
        errors.extend(_semantic_errors(config, source, filename))
    if errors:
        errors.sort(key=lambda e: (e.line or 0, e.path))
        raise ConfigErrors(_unique(errors))
    assert config is not None
    return _anchor_store(config, base_dir)


class _Duplicate(Exception):
    """A mapping repeats a key: the slow path reports it with its line."""


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The C safe loader (when PyYAML has it) with string keys and duplicate keys refused."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._tags: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """Plain scalars repeat a lot in a fleet (kinds, intervals, booleans): resolve each text once."""
        if kind is not yaml.ScalarNode or not implicit[0] or len(value) > 64:
            return super().resolve(kind, value, implicit)
        tag = self._tags.get(value)
        if tag is None:
            tag = self._tags[value] = super().resolve(kind, value, implicit)
        return tag

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            key = key if isinstance(key, str) else str(key)
            if key in mapping:
                raise _Duplicate
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _read_yaml(text: str, filename: str) -> tuple[Any, SourceMap]:
    """The document as Python data; the line map is left for later unless the document is broken."""
    try:
        data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
    except (_Duplicate, yaml.YAMLError):
        data, lines = _mapped_yaml(text, filename)  # reports the problem with its line
        source = SourceMap(text, filename)
        source._lines = lines
        return data, source
    if data is None:
        return {}, SourceMap(text, filename)
    if not isinstance(data, dict):
        raise ConfigErrors([ConfigError("the top level must be a mapping of sections", file=filename, line=1)])
    return data, SourceMap(text, filename)


def _mapped_yaml(text: str, filename: str) -> tuple[Any, dict[PathKey, int]]:
    """The slow, exact path: compose with line numbers and build the data and its line map together."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigErrors([ConfigError(f"invalid YAML: {exc.problem or exc}", file=filename, line=line)]) from None
    except yaml.YAMLError as exc:
        raise ConfigErrors([ConfigError(f"invalid YAML: {exc}", file=filename)]) from None
    source = _Lines()
    if node is None:
        return {}, source.lines
    source.lines[()] = node.start_mark.line + 1
    errors: list[ConfigError] = []
    data = _to_python(node, (), source, filename, errors)
    if errors:
        raise ConfigErrors(errors)
    if not isinstance(data, dict):
        raise ConfigErrors([ConfigError("the top level must be a mapping of sections", file=filename, line=1)])
    return data, source.lines


INCLUDABLE = ("sites", "checks")


def _include(data: dict[str, Any], source: SourceMap, base_dir: Path) -> dict[str, Any]:
    """`include:` globs (one file per customer, say): their `sites` and `checks` appended to the main file's."""
    patterns = data.pop("include", None)
    if patterns is None:
        return data
    line = source.line_of(("include",))
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list) or not all(isinstance(pattern, str) for pattern in patterns):
        raise ConfigErrors([ConfigError("include must be a glob or a list of globs", file=source.filename, line=line)])
    for pattern in patterns:
        files = sorted(glob.glob(str(base_dir / pattern)))
        if not files:
            message = f"include: no file matches '{pattern}'"
            raise ConfigErrors([ConfigError(message, file=source.filename, line=line, path="include")])
        for file in files:
            _append_file(data, source, Path(file))
    return data


def _append_file(data: dict[str, Any], source: SourceMap, path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigErrors([ConfigError(f"cannot read included file: {exc}", file=str(path))]) from None
    part, part_source = _read_yaml(text, str(path))
    for key in part:
        if key not in INCLUDABLE:
            message = f"an included file holds only {' and '.join(INCLUDABLE)}, not '{key}'"
            raise ConfigErrors([ConfigError(message, file=str(path), line=part_source.line_of((key,)), path=key)])
    for section in INCLUDABLE:
        items = part.get(section) or []
        if not isinstance(items, list):
            raise ConfigErrors([ConfigError(f"{section} must be a list", file=str(path), path=section)])
        target = data.setdefault(section, [])
        if not isinstance(target, list):
            return
        for local in range(len(items)):
            source.included[(section, len(target) + local)] = (part_source, local)
        target.extend(items)


class _Lines:
    def __init__(self) -> None:
        self.lines: dict[PathKey, int] = {}


def _to_python(node: yaml.Node, path: PathKey, source: _Lines, filename: str, errors: list[ConfigError]) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if not isinstance(key, str):
                key = str(key)
            child = (*path, key)
            line = key_node.start_mark.line + 1
            if key in result:
                errors.append(ConfigError(f"duplicate key '{key}'", file=filename, line=line, path=format_path(child)))
                continue
            source.lines[child] = line
            result[key] = _to_python(value_node, child, source, filename, errors)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            source.lines[child] = item.start_mark.line + 1
            items.append(_to_python(item, child, source, filename, errors))
        return items
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    """Construct one scalar with the safe loader's rules (ints, bools, floats, strings, dates)."""
    constructor = _CONSTRUCTOR
    value = constructor.construct_object(node)
    constructor.constructed_objects.clear()
    return value


_CONSTRUCTOR = yaml.SafeLoader("")


def _expand(value: Any, path: PathKey, source: SourceMap, filename: str, errors: list[ConfigError]) -> Any:
    if isinstance(value, dict):
        return {key: _expand(item, (*path, key), source, filename, errors) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand(item, (*path, index), source, filename, errors) for index, item in enumerate(value)]
    if isinstance(value, str) and "${" in value:
        try:
            return expand_env(value)
        except ValueError as exc:
            file, line = source.locate(path)
            errors.append(
                ConfigError(str(exc), file=file if source.text else filename, line=line, path=format_path(path))
            )
    return value


def expand_references(data: Any, filename: str, errors: list[ConfigError]) -> Any:
    """`${ENV}` references expanded in a document that has no line numbers (a stored definition)."""
    return _expand(data, (), SourceMap(), filename, errors)


def format_path(path: PathKey) -> str:
    """`('sites', 3, 'checks', 0, 'interval')` → `sites[3].checks[0].interval`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _data_path(loc: tuple[Any, ...], data: Any) -> PathKey:
    """Map a pydantic error location onto the document, dropping union tags and validator names."""
    path: list[str | int] = []
    current = data
    tagged: Any = None
    for part in loc:
        if isinstance(current, dict) and current.get("kind") == part and current is not tagged:
            tagged = current  # the union tag comes first, even when a field has the kind's name (kind: command)
            continue
        if _has(current, part):
            path.append(part)
            current = current[part]
        elif (
            isinstance(current, dict)
            and current.get("kind") == part
            or isinstance(part, str)
            and ("[" in part or "-" in part or part in ("str", "int", "float", "bool"))
        ):
            continue
        else:
            path.append(part)
            current = None
    return tuple(path)


def _has(container: Any, part: Any) -> bool:
    if isinstance(container, dict):
        return isinstance(part, str) and part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _translate(exc: ValidationError, data: Any, source: SourceMap, filename: str) -> list[ConfigError]:
    errors = []
    for error in exc.errors(include_url=False):
        path = _data_path(tuple(error["loc"]), data)
        message, hint = _message(error, path, data)
        file, line = source.locate(path)
        errors.append(ConfigError(message, file=file, line=line, path=format_path(path), hint=hint))
    return errors


def _message(error: Any, path: PathKey, data: Any) -> tuple[str, str | None]:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        model = _model_at(Config, path[:-1], data)
        choices = list(check_fields(model)) if model is not None else []
        close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
        return f"unknown key '{key}'", (f"did you mean '{close[0]}'?" if close else None)
    if kind == "missing":
        return f"required key '{path[-1]}' is missing", None
    if kind == "union_tag_invalid":
        from sitewarden.config.kinds import check_kinds

        tag = str(error.get("ctx", {}).get("tag", ""))
        kinds = sorted(check_kinds())
        close = difflib.get_close_matches(tag, kinds, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else "known kinds: " + ", ".join(kinds)
        return f"unknown check kind '{tag}'", hint
    if kind == "union_tag_not_found":
        return "required key 'kind' is missing", None
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == NAME_PATTERN:
        return (
            f"'{error.get('input')}' is not a valid name",
            "start with a letter or digit, then only letters, digits, '_' or '-'; no spaces or dots",
        )
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message[:1].lower() + message[1:], None


def _model_at(model: type[BaseModel], path: PathKey, data: Any) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at `path`, following lists and check-kind unions."""
    current: Any = model
    node = data
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = check_fields(current).get(part)
        if info is None:
            return None
        node = node.get(part) if isinstance(node, dict) else None
        current = _pick_model(info.annotation, node)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _pick_model(annotation: Any, node: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _pick_model(typing.get_args(annotation)[0], node)
    if origin in (list, tuple, set):
        item = node[0] if isinstance(node, list) and node else None
        return _pick_model(typing.get_args(annotation)[0], item if isinstance(node, list) else node)
    if origin is dict:
        return _pick_model(typing.get_args(annotation)[1], None)
    if origin in (typing.Union, types.UnionType):
        candidates = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        kind = node.get("kind") if isinstance(node, dict) else None
        for candidate in candidates:
            picked = _pick_model(candidate, node)
            if isinstance(picked, type) and issubclass(picked, BaseModel):
                field_info = picked.model_fields.get("kind")
                if kind is None or field_info is None or field_info.default == kind:
                    return picked
        return candidates[0] if candidates else None
    return annotation


def _semantic_errors(config: Config, source: SourceMap, filename: str) -> list[ConfigError]:
    errors: list[ConfigError] = []

    def error(path: PathKey, message: str) -> None:
        file, line = source.locate(path)
        errors.append(ConfigError(message, file=file, line=line, path=format_path(path)))

    seen_sites: dict[str, int] = {}
    for index, site in enumerate(config.sites):
        if site.name in seen_sites:
            error(
                ("sites", index, "name"), f"site name '{site.name}' is already used by sites[{seen_sites[site.name]}]"
            )
        else:
            seen_sites[site.name] = index
        seen_checks: dict[str, int] = {}
        for check_index, check in enumerate(site.checks):
            name = check.name or check.kind
            if name in seen_checks:
                error(
                    ("sites", index, "checks", check_index, "name"),
                    f"check name '{name}' is already used in this site by checks[{seen_checks[name]}]"
                    + ("" if check.name else "; give each check a name"),
                )
            else:
                seen_checks[name] = check_index
    seen: dict[str, int] = {}
    kinds = check_kinds()
    for index, check in enumerate(config.checks):
        name = check.name or check.kind
        if name in seen:
            error(("checks", index, "name"), f"check name '{name}' is already used by checks[{seen[name]}]")
        else:
            seen[name] = index
        for below, message in kinds[check.kind].problems_outside_site(check):
            error(("checks", index, *below), message)
    return errors


def _unique(errors: list[ConfigError]) -> list[ConfigError]:
    seen: set[str] = set()
    out = []
    for error in errors:
        if str(error) not in seen:
            seen.add(str(error))
            out.append(error)
    return out


def _anchor_store(config: Config, base_dir: Path | None) -> Config:
    url = config.store.url
    prefix = "sqlite:///"
    if base_dir is None or not url.startswith(prefix) or url == "sqlite:///:memory:":
        return config
    raw = url[len(prefix) :]
    if raw.startswith("/"):
        return config
    absolute = (base_dir / raw).resolve()
    store = config.store.model_copy(update={"url": f"{prefix}{absolute}"})
    return config.model_copy(update={"store": store})
