"""Start-up leaves garbage behind (the parsed YAML, pydantic's intermediate data, SQL parameter lists): collect it,
freeze what is left for the life of the process, and hand the freed heap back to the system."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

logger = logging.getLogger(__name__)
YOUNG_THRESHOLD = 50_000
"""Net new container objects between two young collections once running (CPython's default is 700).

A running engine keeps each run's result, state and write for up to a writer batch (half a second, thousands of
runs at fleet size) and renews every check's state once per interval: with the default, young collections ran
every few runs, walked those objects and promoted them, so full collections kept walking every state created since
the freeze (about a fifth of the daemon's CPU at 2,000 runs/s). With this threshold most of that is freed by
reference counting before a collection sees it; the few cyclic leftovers (tracebacks) wait a little longer."""


@contextmanager
def collections_paused() -> Iterator[None]:
    """Around a long-running command's start-up: a large fleet's start builds millions of long-lived objects and
    no garbage cycles worth chasing, and with the cyclic collector on, its full collections walk the growing heap
    again and again (about two thirds of the CPU of loading 100,000 checks). `settle_heap` collects once, freezes
    what is left and switches the collector back on; leaving the block does too (unless it was off already, as in
    a nested block), whatever happened."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle_heap(collect: bool = True) -> None:
    """After start-up (collect, freeze, trim) or a reload (freeze only: a full collection would stall the loop)."""
    if collect:
        gc.collect()
    gc.freeze()  # long-lived objects leave the collector's generations: no more walks over the whole plan
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    gc.enable()  # after `collections_paused`
    if collect:
        _trim()


def _trim() -> None:
    """glibc keeps freed memory in its arenas; malloc_trim returns what it can (elsewhere: nothing to do)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)


RELEASE_SLICE = 1_000
RELOAD_SWITCH_INTERVAL = 0.001
"""The GIL's switch interval while a reload plans in a thread (CPython's default is 5 ms): the loop, waking for a
due check, waits at most about this long for the planning thread to let it in."""


@contextmanager
def switching_often() -> Iterator[None]:
    """Around a long pure-Python job in a thread beside the event loop: the loop gets its turns sooner."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(RELOAD_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def release(items: list[Any] | dict[Any, Any]) -> None:
    """Empty a fleet-sized list or dict a slice at a time, in a thread that shares the GIL with the event loop.

    Dropping it at once frees every item in one C call that never lets the GIL go (about 7 ms for 100,000 small
    dicts, and several such drops end a reload's planning); a slice at a time, the loop gets its turns between."""
    if isinstance(items, dict):
        while items:
            for key in list(islice(items, RELEASE_SLICE)):
                del items[key]
        return
    while items:
        del items[-RELEASE_SLICE:]
