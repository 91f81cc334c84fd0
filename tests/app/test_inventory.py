"""`sitewarden inventory` shows each item's verdict, what to update to and the advisories (real CLI, SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.servers import Serve
from tests.inventory.judged import judged_site, sitewarden


async def test_inventory_shows_verdicts_update_targets_and_advisories(serve: Serve, tmp_path: Path) -> None:
    config = await judged_site(serve, tmp_path)
    code, out, err = await sitewarden(config, "inventory", "--json")
    assert code == 0, err
    [entry] = json.loads(out)
    assert entry["site"] == "t3" and entry["verdict"] == "insecure"
    items = {(item["kind"], item["key"]): item for item in entry["assessments"]}
    core = items[("core", "typo3")]
    assert (core["version"], core["verdict"], core["update_to"], core["fixed_version"]) == (
        "12.4.10",
        "insecure",
        "12.4.22",
        "12.4.22",
    )
    assert (core["branch"], core["support"], core["upgrade"], core["fix_upgrade"]) == ("12", "elts", "major", False)
    news = items[("extension", "news")]
    assert (news["verdict"], news["update_to"]) == ("insecure", "11.4.1")
    powermail = items[("extension", "powermail")]
    assert (powermail["verdict"], powermail["update_to"], powermail["advisories"]) == ("outdated", "12.3.5", [])
    assert items[("extension", "old_gallery")]["verdict"] == "unknown"

    code, out, err = await sitewarden(config, "inventory", "t3")
    assert code == 0, err
    lines = out.splitlines()
    core_line = next(line for line in lines if "│ core " in line)
    assert "12.4.10" in core_line and "insecure" in core_line and "12.4.22" in core_line
    assert "12 (elts)" in core_line and "major" in core_line
    powermail_line = next(line for line in lines if "powermail" in line and "extension" in line)
    assert "outdated" in powermail_line and "12.3.5" in powermail_line

    code, out, err = await sitewarden(config, "inventory")
    assert code == 0, err
    assert "insecure" in next(line for line in out.splitlines() if "│ t3 " in line)
