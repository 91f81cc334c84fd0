"""File handler: one JSON line per event appended; an unwritable path is a permanent failure."""

from __future__ import annotations

import json
from pathlib import Path

from tests.events.handlers.delivery_kit import deliver_one


async def test_events_are_appended_as_json_lines(sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "events.jsonl"
    database, rows = await deliver_one(f'{{kind: file, path: "{out}"}}', sqlite_url)
    [line] = out.read_text().splitlines()
    item = json.loads(line)
    assert item["target"] == "ops" and item["type"] == "availability" and item["notice"] == "event"
    assert rows[0]["state"] == "sent"
    database.close()


async def test_directory_in_the_way_is_a_permanent_failure(sqlite_url: str, tmp_path: Path) -> None:
    database, rows = await deliver_one(f'{{kind: file, path: "{tmp_path}"}}', sqlite_url)
    assert rows[0]["state"] == "failed" and rows[0]["attempts"] == 1
    database.close()
