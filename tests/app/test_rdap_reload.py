"""A running daemon follows `sitewarden import rdap`: the domain check finds the new bootstrap without a restart.

Real processes: `sitewarden run` as the daemon and `sitewarden import rdap --from` beside it, on one SQLite store;
the registry is a loopback RDAP server serving Verisign's recorded answer for google.com.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from sqlalchemy import select

from sitewarden.results import Status, utcnow
from sitewarden.store.commands import request_command
from sitewarden.store.database import open_database
from sitewarden.store.results import recent_results
from sitewarden.store.tables import checks
from tests.fixtures.servers import FakeSite

DATA = Path(__file__).resolve().parent.parent / "data" / "rdap"


async def _sitewarden(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sitewarden", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env=os.environ,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, output.decode()


async def _run_now(url: str, seen: int, timeout: float = 60.0) -> tuple[int, Status, str]:
    """Ask the daemon to run the `registration` check now (its first run is hours away at its stable phase), then
    wait for its result number `seen + 1` in the store."""
    database = open_database(url)
    try:
        for _ in range(int(timeout * 10)):  # the daemon registers its checks in the store as it starts
            with database.transaction() as connection:
                if connection.execute(select(checks.c.id).where(checks.c.key == "registration")).scalar():
                    request_command(connection, "registration", "run_now", utcnow(), requested_by="test")
                    break
            await asyncio.sleep(0.1)
        for _ in range(int(timeout * 10)):
            with database.transaction() as connection:
                check_id = connection.execute(select(checks.c.id).where(checks.c.key == "registration")).scalar()
                found = recent_results(connection, check_id, 50) if check_id is not None else []
            if len(found) > seen:
                newest = found[0].result
                return len(found), newest.status, newest.summary
            await asyncio.sleep(0.1)
    finally:
        database.close()
    raise AssertionError(f"no new result of the registration check within {timeout} s")


async def test_daemon_uses_a_bootstrap_imported_while_it_runs(fake_site: FakeSite, tmp_path: Path) -> None:
    fake_site.set(
        "/rdap/domain/google.com", body=(DATA / "active.json").read_text(), content_type="application/rdap+json"
    )
    # The recorded IANA bootstrap, with Verisign's .com server pointed at the loopback registry.
    bootstrap = json.loads((DATA / "dns.json").read_text())
    for service in bootstrap["services"]:
        if "com" in service[0]:
            service[1] = [fake_site.url + "rdap/"]
    source = tmp_path / "dns.json"
    source.write_text(json.dumps(bootstrap))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    config = tmp_path / "sitewarden.yaml"
    config.write_text(
        f"store: {{url: '{url}'}}\nchecks:\n  - {{kind: domain, name: registration, domain: www.google.com}}\n"
    )

    daemon = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sitewarden", "run", "-c", str(config),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=os.environ,
    )  # fmt: skip
    try:
        count, status, summary = await _run_now(url, 0)
        assert (status, summary) == (
            Status.UNKNOWN,
            "no RDAP server known for .com: run `sitewarden import rdap` or set rdap.servers",
        )

        code, output = await _sitewarden("import", "rdap", "--from", str(source), "-c", str(config))
        assert code == 0, output

        _, status, summary = await _run_now(url, count)
        assert status is Status.OK, summary
        assert summary.startswith("google.com expires in ") and summary.endswith("(2028-09-14)")
        assert fake_site.requests and fake_site.requests[-1]["path"] == "/rdap/domain/google.com"
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(daemon.communicate(), 60)
    assert daemon.returncode == 0, errors.decode()
