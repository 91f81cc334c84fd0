"""`sitewarden status` shows each judged site's worst verdict; its exit status stays the checks' (real CLI, SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.servers import Serve
from tests.inventory.judged import judged_site, sitewarden


async def test_status_shows_the_worst_verdict_but_exits_with_the_check_status(serve: Serve, tmp_path: Path) -> None:
    config = await judged_site(serve, tmp_path)
    code, out, err = await sitewarden(config, "status")
    assert code == 0, err  # the inventory check is ok; an insecure site does not make status critical
    assert "inventory verdicts (not part of the exit status" in out
    line = next(line for line in out.splitlines() if "│ t3 " in line and "insecure" in line)
    assert "2 of 6" in line and "unrated" in line

    code, out, err = await sitewarden(config, "status", "--json")
    assert code == 0, err
    [row] = json.loads(out)
    assert (row["key"], row["status"], row["verdict"]) == ("t3/inventory", "ok", "insecure")

    code, out, err = await sitewarden(config, "status", "--help")
    assert code == 0 and "verdicts never change the exit" in " ".join(out.split())


def test_rdap_bootstrap_import_feeds_domain_checks_with_config_overrides(tmp_path: Path) -> None:
    from sitewarden.app.catalog import run_import
    from sitewarden.app.daemon import build_services
    from sitewarden.config.loader import parse_config
    from sitewarden.probes.domain import RDAP_SERVERS
    from sitewarden.store.database import open_database

    url = f"sqlite:///{tmp_path / 'rdap.db'}"
    text = f"store: {{url: '{url}'}}\nrdap:\n  servers:\n    net: https://rdap.example.net/\n"
    config = parse_config(text, "sitewarden.yaml")
    bootstrap = Path(__file__).resolve().parent.parent / "data" / "catalog" / "rdap-dns.json"
    summary, _ = run_import(config, "rdap", bootstrap, False)
    assert not summary.failed
    database = open_database(url)
    try:
        servers = dict(build_services(config, database, sync=False)[RDAP_SERVERS].current())  # what domain checks get
    finally:
        database.close()
    assert servers["com"] == "https://rdap.verisign.com/com/v1/"
    assert servers["net"] == "https://rdap.example.net/"  # the config's override wins over the bootstrap
