from __future__ import annotations

from sitewarden.probes.ssh_logtail import FileStat, complete_lines, parse_stat, plan_reads


def test_first_run_starts_every_file_at_its_end() -> None:
    plans = plan_reads(None, [FileStat("/a.log", 7, 500)], 1000)
    assert (plans[0].start, plans[0].rotated) == (500, False)


def test_known_new_rotated_and_truncated_files() -> None:
    memory = {
        "/a.log": {"inode": 1, "offset": 100},
        "/b.log": {"inode": 2, "offset": 50},
        "/c.log": {"inode": 3, "offset": 90},
    }
    files = [
        FileStat("/a.log", 1, 150),
        FileStat("/b.log", 9, 400),
        FileStat("/c.log", 3, 10),
        FileStat("/d.log", 4, 20),
    ]
    plans = {plan.path: plan for plan in plan_reads(memory, files, 1000)}
    assert (plans["/a.log"].start, plans["/a.log"].rotated) == (100, False)
    assert (plans["/b.log"].start, plans["/b.log"].rotated) == (0, True)
    assert (plans["/c.log"].start, plans["/c.log"].rotated) == (0, True)
    assert (plans["/d.log"].start, plans["/d.log"].rotated) == (0, False)


def test_a_huge_backlog_is_skipped_to_the_cap() -> None:
    plan = plan_reads({"/a.log": {"inode": 1, "offset": 0}}, [FileStat("/a.log", 1, 5000)], 1000)[0]
    assert (plan.start, plan.skipped) == (4000, 4000)


def test_only_complete_lines_are_taken() -> None:
    assert complete_lines(b"one\ntwo\nthr", 10) == (["one", "two"], 18)
    assert complete_lines(b"partial", 10) == ([], 10)


def test_stat_output_with_spaces_in_names() -> None:
    assert parse_stat("12 300 /var/log/my app.log\nbroken line\n") == [FileStat("/var/log/my app.log", 12, 300)]
