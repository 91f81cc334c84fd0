"""Command handler: the message as JSON on stdin and SITEWARDEN_* variables, a failing program, a missing one."""

from __future__ import annotations

import json
from pathlib import Path

from sitewarden.events.handlers.command import CommandParams
from tests.events.handlers.delivery_kit import deliver_one


def test_command_string_is_split_like_a_shell() -> None:
    params = CommandParams.model_validate({"kind": "command", "command": "notify-send 'two words' x"})
    assert params.command == ["notify-send", "two words", "x"]


async def test_command_gets_json_on_stdin_and_the_event_in_its_environment(sqlite_url: str, tmp_path: Path) -> None:
    out, env = tmp_path / "stdin.json", tmp_path / "env.txt"
    script = f'cat > {out}; echo "$SITEWARDEN_CHANNEL $SITEWARDEN_SEVERITY $SITEWARDEN_SITE $EXTRA" > {env}'
    handler = json.dumps({"kind": "command", "command": ["sh", "-c", script], "env": {"EXTRA": "yes"}})
    database, rows = await deliver_one(handler, sqlite_url)
    assert rows[0]["state"] == "sent"
    body = json.loads(out.read_text())
    assert body["target"] == "ops" and body["events"][0]["site"] == "site000"
    assert env.read_text().split() == ["site.site000.web", "error", "site000", "yes"]
    database.close()


async def test_missing_program_is_a_permanent_failure(sqlite_url: str) -> None:
    database, rows = await deliver_one("{kind: command, command: /nonexistent/notify}", sqlite_url)
    assert rows[0]["state"] == "failed" and rows[0]["attempts"] == 1
    assert rows[0]["last_error"] == "cannot run /nonexistent/notify: No such file or directory"
    database.close()
