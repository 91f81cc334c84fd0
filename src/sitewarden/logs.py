"""Logging set-up: key=value lines, and a filter that blanks every known secret before anything is written."""

from __future__ import annotations

import logging
import sys
import tempfile
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


def crash_log_path() -> Path:
    return Path(tempfile.gettempdir()) / "sitewarden-crash.log"


def write_crash_log(text: str) -> Path:
    """Keep an internal error's traceback out of the user's terminal but on disk for a bug report."""
    path = crash_log_path()
    with path.open("a", encoding="utf-8") as handle:
        handle.write(redact(text) + "\n")
    return path
