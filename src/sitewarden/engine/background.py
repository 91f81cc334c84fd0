"""Fire-and-forget tasks of the engine (saving a paused state, pruning) that log their failure instead of losing it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)
_tasks: set[asyncio.Task[Any]] = set()  # strong references: the loop keeps only weak ones


def spawn(coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
    """Start `coroutine` as a task that is kept alive until done and logs an exception it ends with."""
    task = asyncio.create_task(coroutine, name=name)
    _tasks.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("background task failed task=%s error=%s", task.get_name(), task.exception())
