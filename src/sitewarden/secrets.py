"""Secret values in config files: `${ENV_VAR}` or `file:/path` references, resolved once at load, never shown."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, SecretStr

_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


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
    return "${".join(_ENV_REFERENCE.sub(replace, part) for part in parts)


def resolve_secret(value: Any) -> Any:
    """Read `file:/path` references (first line, stripped); other values pass through to SecretStr."""
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


Secret = Annotated[SecretStr, BeforeValidator(resolve_secret)]
"""A password, token or key: written as text, `${ENV}` or `file:/path`; shown as `**********`."""
