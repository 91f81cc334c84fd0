"""Secrets: how they are written, which values are known, and the one redaction that keeps them out of every output.

A secret field is marked in its pydantic model by the `Secret` type (a `SecretStr`). Everything here finds secrets
by that mark, never by a list of key names: every way a site enters (config load, reload, API, `sites import`,
store-defined sites at start-up) calls `register_secrets` on the validated model, and `redact` blanks the registered
values (raw and URL-encoded), passwords inside URLs and secret query parameters in logs, results, events, API
output and import reports.
"""

from __future__ import annotations

import dataclasses
import os
import re
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, quote_plus

from pydantic import BaseModel, BeforeValidator, SecretStr, ValidationInfo

from sitewarden.results import Result
from sitewarden.trust import refuse_file_reference

MASK = "**********"
"""What a secret is replaced by everywhere (pydantic's SecretStr shows the same)."""
MIN_LENGTH = 4
"""Shorter values are too common to mask without blanking ordinary text."""

ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_URL_PASSWORD = re.compile(r"(?P<keep>\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s/]+@", re.IGNORECASE)
_SECRET_QUERY = re.compile(r"(?P<keep>[?&](?:secret|token|key|api_key)=)[^&#\s\"']+", re.IGNORECASE)
SECRET_KEY_NAMES = re.compile(r"pass(word)?|secret|token|api[_-]?key|authorization|cookie|credential", re.IGNORECASE)
"""Keys of free-form payloads (events, details) whose values are masked whatever they hold."""

_registered: set[str] = set()
_ordered: tuple[str, ...] = ()


def expand_env(text: str) -> str:
    """Replace `${VAR}` (or `${VAR:-default}`) in text; `$${` stays a literal `${`. Missing variables raise."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = os.environ.get(name)
        if value is None:
            if default is not None:
                return default
            raise ValueError(f"environment variable {name} is not set")
        return value

    parts = text.split("$${")
    return "${".join(ENV_REFERENCE.sub(replace, part) for part in parts)


def resolve_secret(value: Any, info: ValidationInfo | None = None) -> Any:
    """Read `file:/path` references (first line, stripped); other values pass through to SecretStr.

    A definition validated under a site policy that does not allow `file:` references is refused instead.
    """
    refuse_file_reference(value, info)
    if isinstance(value, SecretStr):
        return value
    if isinstance(value, str) and value.startswith("file:"):
        path = Path(value[5:]).expanduser()
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"cannot read secret file {path}: {exc.strerror or exc}") from None
        lines = content.splitlines()
        return lines[0].strip() if lines else ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _resolve_secret_field(value: Any, info: ValidationInfo) -> Any:
    return resolve_secret(value, info)


_resolve_secret_field.__name__ = "resolve_secret"  # the config reference shows such fields as <secret>
Secret = Annotated[SecretStr, BeforeValidator(_resolve_secret_field)]
"""A password, token or key: written as text, `${ENV}` or `file:/path`; shown as `**********`."""


def is_reference(value: Any) -> bool:
    """Whether a raw value is a whole `${ENV_VAR}` or `file:/path` reference rather than the secret itself."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return text.startswith("file:") or (text.startswith("${") and text.endswith("}") and text.count("${") == 1)


def secret_fields(value: Any) -> list[SecretStr]:
    """Every value marked secret (a SecretStr) inside a model, wherever it sits in lists, dicts and sub-models."""
    found: list[SecretStr] = []
    _collect(value, found)
    return found


def _collect(value: Any, found: list[SecretStr]) -> None:
    if value is None or isinstance(value, str | int | float):
        return
    if isinstance(value, SecretStr):
        found.append(value)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, BaseModel) or hasattr(type(value), "__dataclass_fields__"):
        for name in _marked_fields(type(value)):
            _collect(getattr(value, name, None), found)


_MARKED: dict[type, tuple[str, ...]] = {}
_IN_PROGRESS: set[type] = set()


def _marked_fields(cls: type) -> tuple[str, ...]:
    """The fields of a model or dataclass whose declared type can hold a secret: the walk visits only these."""
    known = _MARKED.get(cls)
    if known is None:
        known = _MARKED[cls] = _find_marked(cls)
    return known


def _find_marked(cls: type) -> tuple[str, ...]:
    if issubclass(cls, BaseModel):
        declared = {name: info.annotation for name, info in cls.model_fields.items()}
    else:
        try:
            declared = typing.get_type_hints(cls)
        except (NameError, TypeError):  # a type we cannot resolve: walk every field
            return tuple(item.name for item in dataclasses.fields(cls))  # type: ignore[arg-type]
        declared = {item.name: declared.get(item.name, Any) for item in dataclasses.fields(cls)}  # type: ignore[arg-type]
    _IN_PROGRESS.add(cls)
    try:
        return tuple(name for name, annotation in declared.items() if _can_hold_secret(annotation))
    finally:
        _IN_PROGRESS.discard(cls)


def _can_hold_secret(annotation: Any) -> bool:
    if annotation is Any or isinstance(annotation, typing.TypeVar):
        return True
    if isinstance(annotation, type):
        if issubclass(annotation, SecretStr):
            return True
        if issubclass(annotation, BaseModel) or dataclasses.is_dataclass(annotation):
            return annotation in _IN_PROGRESS or bool(_marked_fields(annotation))
        return False
    return any(_can_hold_secret(argument) for argument in typing.get_args(annotation))


def forms(*values: SecretStr | str | None) -> tuple[str, ...]:
    """The texts to blank for some secrets (raw and URL-encoded), longest first, too-short ones left out."""
    found: set[str] = set()
    for value in values:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if text and len(text) >= MIN_LENGTH:
            found.update((text, quote(text, safe=""), quote_plus(text)))
    return tuple(sorted(found, key=len, reverse=True))


def secrets_of(*sources: Any) -> tuple[str, ...]:
    """The forms of every secret marked in the given models (or SecretStr values), ready for `redact`."""
    return forms(*(field for source in sources for field in secret_fields(source)))


def register_secret(value: SecretStr | str | None) -> None:
    """Remember one secret so that `redact` blanks it from then on in this process."""
    global _ordered
    new = set(forms(value)) - _registered
    if new:
        _registered.update(new)
        _ordered = tuple(sorted(_registered, key=len, reverse=True))


def register_secrets(model: Any) -> int:
    """Register every secret a validated model (config, site, check) marks; returns how many fields were found."""
    found = 0
    for field in secret_fields(model):
        register_secret(field)
        found += 1
    return found


def registered() -> bool:
    """Whether any secret is registered (the log filter skips its work while none is)."""
    return bool(_ordered)


def redact(text: str, values: Iterable[str] | None = None) -> str:
    """The one redaction: secrets (the given forms, or every registered one), URL passwords, secret query values."""
    for secret in _ordered if values is None else values:
        if secret in text:
            text = text.replace(secret, MASK)
    if "://" in text:
        text = _URL_PASSWORD.sub(lambda match: match.group("keep") + MASK + "@", text)
    if "=" in text:
        text = _SECRET_QUERY.sub(lambda match: match.group("keep") + MASK, text)
    return text


def redact_value(
    value: Any, values: Iterable[str] | None = None, *, by_key: bool = False, keys: Iterable[str] = ()
) -> Any:
    """`redact` over a JSON-like value; with `by_key`, a value under a secret-named key (or one of `keys`) is masked."""
    extra = {key.lower() for key in keys}
    known = None if values is None else tuple(values)

    def walk(item: Any) -> Any:
        if isinstance(item, dict):
            return {
                key: MASK if by_key and inner and _secret_key(str(key), extra) else walk(inner)
                for key, inner in item.items()
            }
        if isinstance(item, list | tuple):
            return [walk(inner) for inner in item]
        if isinstance(item, str):
            return redact(item, known)
        return item

    return walk(value)


def redact_result(result: Result, values: Iterable[str] | None = None) -> Result:
    """A result whose summary and details carry none of the given secrets (or of the registered ones)."""
    known = None if values is None else tuple(values)
    result.summary = redact(result.summary, known)
    result.details = redact_value(result.details, known)
    return result


def _secret_key(key: str, extra: set[str]) -> bool:
    return key.lower() in extra or bool(SECRET_KEY_NAMES.search(key))


def reference_values(raw: Any) -> tuple[str, ...]:
    """The forms of what the references in a raw definition resolve to, to blank them before it is validated."""
    found: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for inner in item.values():
                walk(inner)
        elif isinstance(item, list):
            for inner in item:
                walk(inner)
        elif is_reference(item):
            try:
                resolved = resolve_secret(expand_env(str(item).strip()))
            except ValueError:
                return
            found.append(str(resolved))

    walk(raw)
    return forms(*found)
