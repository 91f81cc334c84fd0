"""Commands from the dashboard and the CLI (reload, run now, pause, resume, acknowledge), taken once a second.

The same store round trip publishes this engine's figures, so the dashboard sees every worker's load.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from sitewarden.clock import Clock
from sitewarden.engine.background import spawn
from sitewarden.engine.planning import PlannedCheck
from sitewarden.errors import StoreError
from sitewarden.events.availability import acknowledgement_event
from sitewarden.states import CheckState
from sitewarden.store.commands import Command, take_commands
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events
from sitewarden.store.states import save_states
from sitewarden.store.workers import publish_stats

logger = logging.getLogger(__name__)
CONTROL_EVERY = 1.0


class CommandHandler:
    """Takes this worker's commands from the store and applies them through the engine's own actions."""

    def __init__(
        self,
        database: Database,
        worker_name: str,
        started_at: datetime,
        clock: Clock,
        *,
        reload: Callable[[], Awaitable[Any]],
        run_now: Callable[[str], bool],
    ) -> None:
        self.database = database
        self.worker_name = worker_name
        self.started_at = started_at
        self.clock = clock
        self.reload = reload
        self.run_now = run_now

    async def poll(self, checks: Mapping[str, PlannedCheck], figures: dict[str, Any]) -> None:
        """Exchange commands and figures with the store (in a thread), then apply the commands here."""
        try:
            commands = await asyncio.to_thread(self._exchange, checks, figures)
        except StoreError as exc:
            logger.warning("cannot exchange commands with the store error=%s", exc)
            return
        for command in commands:
            await self._apply(command, checks)

    def _exchange(self, checks: Mapping[str, PlannedCheck], figures: dict[str, Any]) -> list[Command]:
        now = self.clock.now()
        with self.database.transaction() as connection:
            commands = take_commands(connection, self.worker_name, now, checks.keys())  # not a 100,000-key copy
            for command in commands:
                check = checks.get(command.check_key)
                if command.action == "acknowledge" and check is not None:
                    event = acknowledgement_event(
                        check.spec, command.requested_by, now, planned=command.planned, reason=command.reason
                    )
                    insert_events(connection, [event])
            publish_stats(connection, self.worker_name, self.started_at, figures, now)
        return commands

    async def _apply(self, command: Command, checks: Mapping[str, PlannedCheck]) -> None:
        check = checks.get(command.check_key)
        if command.action == "reload":
            await self.reload()
        elif check is None:
            return
        elif command.action == "run_now":
            self.run_now(command.check_key)
        elif command.action in ("pause", "resume"):
            check.state.paused = command.action == "pause"
            spawn(asyncio.to_thread(self._save_state, check.check_id, check.state), "save-state")
        logger.info("command applied action=%s check=%s by=%s", command.action, command.check_key, command.requested_by)

    def _save_state(self, check_id: int, state: CheckState) -> None:
        with self.database.transaction() as connection:
            save_states(connection, {check_id: state}, self.clock.now())
