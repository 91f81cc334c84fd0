"""Logging set-up: key=value lines, and a filter that blanks every known secret before anything is written."""

from __future__ import annotations

import logging
import os
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

from sitewarden.secrets import redact


class RedactingFilter(logging.Filter):
    """Formats the record once, blanks secrets, and freezes the message so handlers see the redacted text."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def setup_logging(level: str = "WARNING", stream: object = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("asyncio").setLevel(logging.WARNING)


def state_dir() -> Path:
    """sitewarden's directory under the user's XDG state directory (~/.local/state/sitewarden by default)."""
    base = os.environ.get("XDG_STATE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "state"
    return root / "sitewarden"


def write_crash_log(text: str, beside: Path | None = None) -> Path | None:
    """Keep an internal error's traceback out of the user's terminal but on disk for a bug report.

    Written under the user's state directory (or, failing that, beside the database) in a new file with a unique
    name, mode 0600, never following a symlink: a shared temporary directory would let another local user plant
    a link and have the traceback appended to a file of their choosing. None when no place could be written.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"crash-{stamp}-{os.getpid()}-{secrets.token_hex(4)}.log"
    for directory in (state_dir(), beside):
        if directory is None:
            continue
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
            descriptor = os.open(directory / name, flags, 0o600)
        except OSError:
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(redact(text) + "\n")
        return directory / name
    return None
