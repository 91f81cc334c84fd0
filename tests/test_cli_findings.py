"""`sitewarden findings accept/list/revoke` as users run them, against a store with judged sites."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sitewarden.store.database import open_database
from sitewarden.store.events import recent_events
from tests.fixtures.verdicts import FLEET, seed_verdicts
from tests.fixtures.web import seed_fleet
from tests.test_cli import sitewarden


def _config(tmp_path: Path) -> Path:
    database = open_database(f"sqlite:///{tmp_path / 'sw.db'}")
    try:
        seed_fleet(database, FLEET)
        seed_verdicts(database)
    finally:
        database.close()
    path = tmp_path / "sitewarden.yaml"
    path.write_text('store: {url: "sqlite:///sw.db"}\nsites: []\n')
    return path


async def test_accept_list_and_revoke_from_the_command_line(tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    until = (date.today() + timedelta(days=20)).isoformat()
    code, out, err = await sitewarden(
        "-c", config, "findings", "accept", "shop", "news", "--reason", "patched locally", "--until", until,
        "--by", "carol", cwd=tmp_path,
    )  # fmt: skip
    assert code == 0, err
    assert f"accepted verdict insecure of ter:news on shop until {until} (id 1)" in out
    code, out, _ = await sitewarden("-c", config, "findings", "list", "--json", cwd=tmp_path)
    (listed,) = json.loads(out)
    assert (listed["site"], listed["product"], listed["state"], listed["accepted_by"]) == (
        "shop", "ter:news", "accepted", "carol",
    )  # fmt: skip
    code, out, _ = await sitewarden("-c", config, "advisories", "shop", cwd=tmp_path)
    assert code == 0 and "no open advisories" in out
    code, out, _ = await sitewarden("-c", config, "findings", "revoke", "1", "--by", "dave", cwd=tmp_path)
    assert code == 0 and "revoked accepted finding 1 (ter:news on shop)" in out
    code, out, _ = await sitewarden("-c", config, "findings", "list", cwd=tmp_path)
    assert code == 0 and "no accepted findings" in out
    code, out, _ = await sitewarden("-c", config, "findings", "list", "--all", cwd=tmp_path)
    assert "revoked" in out and "carol (revoked by dave)" in out
    database = open_database(f"sqlite:///{tmp_path / 'sw.db'}")
    try:
        with database.transaction() as connection:
            actions = [event.payload.get("action") for event in recent_events(connection, limit=10, site="shop")]
    finally:
        database.close()
    assert actions[:2] == ["revoke", "accept"]


async def test_a_bad_acceptance_is_refused_with_a_message_and_exit_2(tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    code, _, err = await sitewarden(
        "-c", config, "findings", "accept", "shop", "news", "--reason", "x", "--until", "31.12.2026", cwd=tmp_path
    )
    assert code == 2 and "'31.12.2026' is not a date" in err and "YYYY-MM-DD" in err and "Traceback" not in err
    until = (date.today() + timedelta(days=5)).isoformat()
    code, _, err = await sitewarden(
        "-c", config, "findings", "accept", "shop", "solr", "--reason", "x", "--until", until, cwd=tmp_path
    )
    assert code == 2 and "shop has no judged item 'solr'" in err
