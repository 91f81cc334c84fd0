"""A large config file is loaded in a child process and handed to the long-running one compactly.

Parsing 100,000 checks builds some 400 MB of short-lived YAML nodes and mappings; the few objects that outlive
them (site names, URLs, the validated models) end up scattered over the parser's memory arenas, and CPython hands
an arena back to the system only when all of it is free: the daemon kept about 350 MB it no longer used. A child
parses and validates, and sends the config back pickled; unpickling allocates only what lives on, side by side.
Any failure in the child (a config error above all) falls back to loading here, which reports it as usual.
"""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sitewarden.errors import SitewardenError

if TYPE_CHECKING:
    from sitewarden.config.models import Config

LOAD_APART_FROM = 1 << 20
"""Config files from this size (about 13,000 checks) are loaded apart; below it the child's start costs more."""


def load_config_apart(
    path: Path | str, threshold: int = LOAD_APART_FROM, meanwhile: Callable[[], object] | None = None
) -> Config:
    """`load_config` for a process that runs on: a large file is parsed in a child, the rest here.

    `meanwhile` runs here while the child parses (imports the caller needs next, say): the second core is used.
    """
    path = Path(path)
    if not _large(path, threshold):
        if meanwhile is not None:
            meanwhile()
        return _load_here(path)
    child = _start_child(path)  # before importing the models here: the child's start overlaps those imports
    from sitewarden.config.models import Config
    from sitewarden.secrets import register_secrets

    if meanwhile is not None:
        meanwhile()
    blob = _result(child)
    if blob is None:
        return _load_here(path)
    config = pickle.loads(blob)  # noqa: S301 - written by our own child process, just now
    if not isinstance(config, Config):
        return _load_here(path)
    register_secrets(config)
    return config


def _load_here(path: Path) -> Config:
    from sitewarden.config.loader import load_config

    return load_config(path)


def _large(path: Path, threshold: int) -> bool:
    """A big file, or one that includes others (one per customer: their sizes are not known before parsing)."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a pipe is read once, here
            return False
        if status.st_size >= threshold:
            return True
        with path.open("rb") as handle:
            head = handle.read(threshold)
    except OSError:
        return False
    return head.startswith(b"include:") or b"\ninclude:" in head


def _start_child(path: Path) -> subprocess.Popen[bytes] | None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(entry for entry in sys.path if entry)}  # this sitewarden
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "sitewarden.config.apart", str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    except OSError:
        return None


def _result(child: subprocess.Popen[bytes] | None) -> bytes | None:
    if child is None:
        return None
    out, _ = child.communicate()
    return out if child.returncode == 0 and out else None


def _child(path: str) -> int:
    import gc

    from sitewarden.config.loader import load_config

    gc.disable()  # a process that parses and exits: nothing for the cyclic collector to win
    try:
        config = load_config(path)
    except SitewardenError:
        return 2
    sys.stdout.buffer.write(pickle.dumps(config, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1]))
