"""`sitewarden sites bulk`: a dry run lists and changes nothing, off a terminal it needs --yes, then it applies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sitewarden.results import utcnow
from sitewarden.store.audit import audit_entries
from sitewarden.store.database import open_database
from sitewarden.store.maintenance import site_windows
from sitewarden.store.tables import commands
from tests.fixtures.web import seed_fleet
from tests.test_cli import sitewarden


def pending_commands(connection: Any) -> list[tuple[str, str]]:
    return [(row.check_key, row.action) for row in connection.execute(select(commands))]


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    database = open_database(url)
    seed_fleet(database, ["shop", "blog", "down-api"], {"shop": ["customer-a"], "blog": ["customer-a"]})
    database.close()
    (tmp_path / "sitewarden.yaml").write_text('store: {url: "sqlite:///sw.db"}\nsites: []\n')
    return url


async def test_dry_run_lists_what_would_change_and_changes_nothing(tmp_path: Path) -> None:
    url = _store(tmp_path)
    code, text, error = await sitewarden(
        "sites", "bulk", "pause", "--query", "group:customer-a", "--dry-run", cwd=tmp_path
    )
    assert code == 0, error
    assert text.splitlines() == [
        "blog: pause blog/web",
        "shop: pause shop/web",
        "2 changes on 2 of 2 sites (dry run, nothing changed)",
    ]
    database = open_database(url)
    with database.transaction() as connection:
        assert pending_commands(connection) == [] and audit_entries(connection) == []
    database.close()


async def test_off_a_terminal_without_yes_it_refuses_with_exit_2(tmp_path: Path) -> None:
    url = _store(tmp_path)
    code, _, error = await sitewarden("sites", "bulk", "run_now", "--sites", "shop,blog", cwd=tmp_path)
    assert code == 2 and "Traceback" not in error
    assert "without a confirmation" in error and "--yes" in error
    database = open_database(url)
    with database.transaction() as connection:
        assert pending_commands(connection) == []
    database.close()


async def test_yes_applies_a_maintenance_window_to_every_matching_site(tmp_path: Path) -> None:
    url = _store(tmp_path)
    args = ("sites", "bulk", "maintenance", "-q", "name:*o*", "--reason", "PHP 8.3", "--until", "2h", "--yes")
    code, text, error = await sitewarden(*args, cwd=tmp_path)
    assert code == 0, error
    assert text.splitlines()[-1] == "done: 3 changes on 3 sites"
    database = open_database(url)
    with database.transaction() as connection:
        windows = site_windows(connection, "down-api", utcnow())
        entries = audit_entries(connection)
    database.close()
    assert [window.reason for window in windows] == ["PHP 8.3"]
    assert [(entry.action, entry.detail["via"], entry.detail["count"]) for entry in entries] == [
        ("bulk.maintenance", "cli", 3)
    ]


async def test_bad_input_is_a_message_and_exit_2(tmp_path: Path) -> None:
    _store(tmp_path)
    for args, expected in (
        (("maintenance", "--sites", "shop", "--until", "soon"), "neither a duration"),
        (("pause", "--sites", "nosuch"), "no active site named nosuch"),
        (("pause", "--query", "statsu:error"), "query error at column 1"),
        (("reboot", "--sites", "shop"), "unknown bulk action 'reboot'"),
    ):
        code, _, error = await sitewarden("sites", "bulk", *args, cwd=tmp_path)
        assert code == 2 and expected in error and "Traceback" not in error, (args, error)


def _on_a_terminal(tmp_path: Path, answer: bytes, *args: str) -> tuple[int, str]:
    """Run `sitewarden sites bulk ...` with a pseudo-terminal as its stdin, answering the question with `answer`."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sitewarden", "sites", "bulk", *args],
        cwd=tmp_path,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    os.write(master, answer)
    try:
        out, _ = process.communicate(timeout=60)
    finally:
        os.close(master)
    return process.returncode, out.decode()


def test_on_a_terminal_it_asks_and_changes_only_after_yes(tmp_path: Path) -> None:
    url = _store(tmp_path)
    code, out = _on_a_terminal(tmp_path, b"n\n", "pause", "--sites", "shop")
    assert code == 0 and "1 changes on 1 of 1 sites: apply? [y/N]" in out and out.rstrip().endswith("nothing changed")
    database = open_database(url)
    with database.transaction() as connection:
        assert pending_commands(connection) == []
    code, out = _on_a_terminal(tmp_path, b"y\n", "pause", "--sites", "shop")
    assert code == 0 and out.rstrip().endswith("done: 1 changes on 1 sites")
    with database.transaction() as connection:
        assert pending_commands(connection) == [("shop/web", "pause")]
    database.close()
