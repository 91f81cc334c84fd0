"""The crash log: under the user's state directory, a new 0600 file per crash, never through a planted symlink."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

import pytest

from sitewarden.logs import write_crash_log


def test_a_link_planted_in_the_temporary_directory_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (shared / "sitewarden-crash.log").symlink_to(victim)
    monkeypatch.setenv("TMPDIR", str(shared))
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = write_crash_log("Traceback: boom")
    assert victim.read_text() == "precious\n"
    assert path is not None and path.parent == tmp_path / "state" / "sitewarden"


def test_each_crash_gets_its_own_private_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    first, second = write_crash_log("one"), write_crash_log("two")
    assert first is not None and second is not None and first != second
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
    assert first.read_text() == "one\n" and second.read_text() == "two\n"


def test_without_a_writable_state_directory_the_log_goes_beside_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a directory")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocked))
    path = write_crash_log("boom", beside=tmp_path / "db")
    assert path is not None and path.parent == tmp_path / "db" and path.read_text() == "boom\n"
