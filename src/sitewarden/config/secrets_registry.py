"""Tell the log redactor every secret a loaded config holds, wherever it sits in the model tree."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, SecretStr

from sitewarden.logs import register_secret


def register_config_secrets(config: BaseModel) -> int:
    """Walk the config and register each SecretStr value; returns how many were found."""
    found = 0

    def walk(value: Any) -> None:
        nonlocal found
        if isinstance(value, SecretStr):
            register_secret(value.get_secret_value())
            found += 1
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(config)
    return found
