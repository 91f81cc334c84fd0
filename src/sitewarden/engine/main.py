"""Entry points the CLI calls: the daemon and the one-shot (cron) run, with signal handling and clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

from sitewarden.config.models import Config
from sitewarden.config.plan import CheckSpec
from sitewarden.engine.service import Engine, ResultListener
from sitewarden.results import Result
from sitewarden.store.database import Database, open_database

logger = logging.getLogger(__name__)
T = TypeVar("T")


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on uvloop when it is installed, else on the standard loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(factory())
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(factory())


def build_listeners(config: Config, database: Database) -> list[ResultListener]:
    """The result listeners every engine gets: one place for each family that reacts to results."""
    return []


def run_once(config: Config, only: Sequence[str] = ()) -> list[tuple[CheckSpec, Result]]:
    """Every selected check once, results stored; for cron and for `make demo`'s first table."""
    database = open_database(config.store.url)
    try:

        async def main() -> list[tuple[CheckSpec, Result]]:
            engine = Engine(config, database, only=only, listeners=build_listeners(config, database))
            return await engine.run_once()

        return run_async(main)
    finally:
        database.close()


def run_daemon(config: Config, only: Sequence[str] = (), *, on_ready: Callable[[Engine], Any] | None = None) -> None:
    """Run until SIGINT or SIGTERM; running checks finish and every result is flushed before exit."""
    database = open_database(config.store.url)
    try:

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            engine = Engine(config, database, only=only, listeners=build_listeners(config, database))
            if on_ready is not None:
                result = on_ready(engine)
                if asyncio.iscoroutine(result):
                    asyncio.ensure_future(result)
            await engine.run_forever(stop)

        run_async(main)
    finally:
        database.close()
