"""`sitewarden init`: write the commented example config."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from sitewarden.errors import Conflict, SitewardenError


def example_config() -> str:
    return (files("sitewarden.config") / "templates" / "sitewarden.yaml").read_text(encoding="utf-8")


def write_example_config(path: Path, *, force: bool = False) -> Path:
    """Write the example; an existing file is a usage problem (exit 2), not an unknown outcome."""
    if path.exists() and not force:
        raise Conflict(f"{path} exists already", hint="pass --force to overwrite it")
    try:
        path.write_text(example_config(), encoding="utf-8")
    except OSError as exc:
        raise SitewardenError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
