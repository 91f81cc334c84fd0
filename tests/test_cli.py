"""The command line as users run it: real subprocesses, exit codes, no tracebacks."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.fixtures.servers import FakeSite


async def sitewarden(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sitewarden",
        *args,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


def _fleet_config(tmp_path: Path, site: FakeSite, *, health: str = "/health") -> Path:
    path = tmp_path / "sitewarden.yaml"
    path.write_text(
        f"""
defaults: {{timeout: 3s, failure_threshold: 1}}
store: {{url: "sqlite:///sw.db"}}
sites:
  - name: shop
    url: {site.url}
    checks:
      - {{name: web, kind: http, keyword: "Add to cart"}}
      - {{name: health, kind: http, url: {health}, warning_ms: 100}}
"""
    )
    return path


async def test_init_writes_a_config_that_checks_clean(tmp_path: Path) -> None:
    code, out, _ = await sitewarden("init", cwd=tmp_path)
    assert code == 0 and (tmp_path / "sitewarden.yaml").exists()
    code, out, err = await sitewarden("check-config", cwd=tmp_path)
    assert code == 0, err
    assert "sitewarden.yaml: ok" in out and "sites: 1, checks: 2 (2 http)" in out
    code, _, err = await sitewarden("init", cwd=tmp_path)
    assert code == 2 and "exists already" in err and "--force" in err


async def test_three_mistakes_give_three_lines_and_exit_2() -> None:
    path = ROOT / "tests" / "data" / "config" / "invalid-three-mistakes.yaml"
    code, out, err = await sitewarden("check-config", str(path))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"{path}:") for line in lines)
    assert "Traceback" not in err + out


async def test_run_once_exits_with_the_worst_status(tmp_path: Path, fake_site: FakeSite) -> None:
    fake_site.set("/", body="Add to cart")
    fake_site.set("/health", body="ok")
    config = _fleet_config(tmp_path, fake_site)
    code, out, err = await sitewarden("run", "--once", "-c", str(config))
    assert code == 0, err
    fake_site.set("/health", body="ok", delay=0.3)
    code, out, _ = await sitewarden("run", "--once", "-c", str(config))
    assert code == 1 and "warning above 100 ms" in out
    fake_site.set("/", body="sold out")
    code, out, _ = await sitewarden("run", "--once", "-c", str(config))
    assert code == 2 and "keyword 'Add to cart' not found" in out
    code, out, _ = await sitewarden("run", "--once", "--only", "shop/health", "-c", str(config))
    assert code == 1 and "shop/web" not in out


async def test_status_exits_with_the_worst_hard_status(tmp_path: Path, fake_site: FakeSite) -> None:
    fake_site.set("/", body="Add to cart")
    fake_site.set("/health", status=500)
    config = _fleet_config(tmp_path, fake_site)
    await sitewarden("run", "--once", "-c", str(config))
    code, out, _ = await sitewarden("status", "-c", str(config))
    assert code == 2 and "shop" in out and "status 500" in out
    code, out, err = await sitewarden("status", "shop/web", "--json", "-c", str(config))
    assert code == 0, out + err
    rows = json.loads(out)
    assert [(row["key"], row["status"], row["class"]) for row in rows] == [("shop/web", "ok", None)]
    code, out, _ = await sitewarden("status", "shop/health", "--json", "-c", str(config))
    row = json.loads(out)[0]
    assert (row["class"], row["summary"]) == ("http_status", "status 500, expected 200-299")
    code, _, err = await sitewarden("status", "nothing", "-c", str(config))
    assert code == 2 and "no site or check named 'nothing'" in err


async def test_status_engine_prints_each_engines_start_lag_and_load(tmp_path: Path, fake_site: FakeSite) -> None:
    from sitewarden.results import utcnow
    from sitewarden.store.database import open_database
    from sitewarden.store.workers import publish_stats

    config = _fleet_config(tmp_path, fake_site)
    database = open_database(f"sqlite:///{tmp_path / 'sw.db'}")
    figures = {"checks": 2, "runs": 9, "lag_p50_seconds": 0.002, "lag_p99_seconds": 0.04, "offered_per_second": 0.1}
    with database.transaction() as connection:
        publish_stats(connection, "worker-1", utcnow(), figures, utcnow())
    database.close()
    code, out, _ = await sitewarden("status", "--engine", "--json", "-c", str(config))
    assert code == 0
    [engine] = json.loads(out)
    assert engine["name"] == "worker-1" and engine["lag_p99_seconds"] == 0.04 and engine["runs"] == 9
    code, out, _ = await sitewarden("status", "--engine", "-c", str(config))
    assert code == 0 and "p99 0.04 s" in out


async def test_check_prints_the_full_result_without_storing(tmp_path: Path, fake_site: FakeSite) -> None:
    fake_site.set("/health", status=503)
    config = _fleet_config(tmp_path, fake_site)
    code, out, _ = await sitewarden("check", "health", "-c", str(config))
    assert code == 2
    assert "shop/health: error - status 503, expected 200-299" in out
    assert "class: http_status" in out
    assert "status_code" in out and "GET " in out
    database = tmp_path / "sw.db"
    if database.exists():  # the store may be read (stored memory, heartbeats) but gets no result or state
        import sqlite3

        with sqlite3.connect(database) as connection:
            assert connection.execute("select count(*) from results").fetchone() == (0,)
            assert connection.execute("select count(*) from states").fetchone() == (0,)
    code, _, err = await sitewarden("check", "nope", "-c", str(config))
    assert code == 2 and "no check named 'nope'" in err


async def test_the_example_config_runs_and_exits_with_its_worst_status(tmp_path: Path) -> None:
    example = tmp_path / "sitewarden.yaml"
    example.write_text((ROOT / "examples" / "sitewarden.yaml").read_text())
    code, out, err = await sitewarden("run", "--once", "-c", str(example))
    assert code in (0, 1, 2), err
    assert "dashboard/health" in out and "Traceback" not in err


async def test_secrets_never_reach_output_or_logs(tmp_path: Path, fake_site: FakeSite) -> None:
    fake_site.set("/", status=401)
    path = tmp_path / "sitewarden.yaml"
    path.write_text(
        f"""
store: {{url: "sqlite:///sw.db"}}
sites:
  - name: shop
    url: {fake_site.url}
    http: {{basic_auth: {{user: mon, password: "${{SHOP_PW}}"}}}}
    checks: [{{name: web, kind: http}}]
"""
    )
    env = {"SHOP_PW": "Very-Secret-Passw0rd"}
    code, out, err = await sitewarden("--log-level", "debug", "run", "--once", "-c", str(path), env=env)
    assert code == 2
    code2, out2, err2 = await sitewarden("--debug", "check", "shop/web", "-c", str(path), env=env)
    everything = out + err + out2 + err2 + (tmp_path / "sw.db").read_bytes().decode("latin-1")
    assert "Very-Secret-Passw0rd" not in everything


async def test_missing_config_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = await sitewarden("status", cwd=tmp_path)
    assert code == 2 and "config file not found" in err and "Traceback" not in err


async def test_sites_query_shows_an_accepted_finding_as_judged_and_marked_accepted(tmp_path: Path) -> None:
    from datetime import timedelta

    from sitewarden.app.findings import AcceptRequest, accept
    from sitewarden.results import utcnow
    from sitewarden.store.database import open_database
    from tests.fixtures.verdicts import FLEET, seed_verdicts
    from tests.fixtures.web import seed_fleet

    now = utcnow()
    until, last = now.date() + timedelta(days=30), (now.date() + timedelta(days=30)).isoformat()
    database = open_database(f"sqlite:///{tmp_path / 'sw.db'}")
    seed_fleet(database, FLEET, {"shop": ["customer-a"], "legacy": ["customer-a"]})
    seed_verdicts(database)
    with database.transaction() as connection:
        accept(connection, AcceptRequest("shop", "ter:news", "patched by hand", until), "alice", now)
    database.close()
    (tmp_path / "sitewarden.yaml").write_text('store: {url: "sqlite:///sw.db"}\nsites: []\n')
    code, table, _ = await sitewarden("sites", "query", "extension:news version:11.0.0", cwd=tmp_path)
    assert code == 0 and f"insecure (accepted until {last})" in table and "up_to_date" not in table
    code, text, _ = await sitewarden("sites", "query", "extension:news verdict:up_to_date", "--json", cwd=tmp_path)
    found = {row["site"]: row for row in json.loads(text)}
    assert code == 0 and sorted(found) == ["legacy", "shop"]  # the filter counts the accepted finding as up to date
    assert (found["shop"]["verdict"], found["shop"]["accepted"], found["shop"]["accepted_until"]) == (
        "insecure", True, last,
    )  # fmt: skip
    assert (found["legacy"]["verdict"], found["legacy"]["accepted"]) == ("up_to_date", False)
    code, text, _ = await sitewarden("sites", "query", "--csv", "extension:news verdict:insecure", cwd=tmp_path)
    assert code == 0 and text.splitlines()[1:] == []
    code, text, _ = await sitewarden("sites", "query", "--csv", "name:shop extension:news", cwd=tmp_path)
    assert code == 0 and text.splitlines()[1].split(",")[5:8] == ["insecure", "true", last]


async def test_sites_query_lists_matches_as_table_json_and_csv_and_points_at_a_bad_term(tmp_path: Path) -> None:
    from sitewarden.store.database import open_database
    from tests.fixtures.verdicts import FLEET, seed_verdicts
    from tests.fixtures.web import seed_fleet

    database = open_database(f"sqlite:///{tmp_path / 'sw.db'}")
    seed_fleet(database, FLEET, {"shop": ["customer-a"], "legacy": ["customer-a"]})
    seed_verdicts(database)
    database.close()
    (tmp_path / "sitewarden.yaml").write_text('store: {url: "sqlite:///sw.db"}\nsites: []\n')
    code, table, _ = await sitewarden("sites", "query", "extension:news version:<11.0.1", cwd=tmp_path)
    assert code == 0 and "shop" in table and "legacy" not in table and "insecure" in table and "1 sites" in table
    code, text, _ = await sitewarden("sites", "query", "group:customer-a extension:news", "--json", cwd=tmp_path)
    found = {row["site"]: row for row in json.loads(text)}
    assert code == 0 and found["legacy"]["version"] == "11.0.1" and found["shop"]["groups"] == ["customer-a"]
    code, text, _ = await sitewarden("sites", "query", "--csv", "--", "-extension:news cms:*", cwd=tmp_path)
    assert code == 0 and text.splitlines() == [
        "site,url,groups,item,version,verdict,accepted,accepted_until,status",
        "blog,http://127.0.0.1:9/blog,,core wordpress,6.4.3,outdated,false,,",
    ]
    code, _, error = await sitewarden("sites", "query", "cms:typo3 verdcit:eol", cwd=tmp_path)
    assert code == 2 and "Traceback" not in error
    assert error.splitlines() == [
        "cms:typo3 verdcit:eol",
        "          ^",
        "query error at column 11: unknown field 'verdcit' (did you mean 'verdict'?)",
    ]


async def test_version_alone_prints_the_version() -> None:
    code, out, err = await sitewarden("--version")
    assert code == 0, err
    assert out.startswith("sitewarden ") and "Missing command" not in err


async def test_check_config_explains_a_bad_name_and_warns_of_a_site_without_checks(tmp_path: Path) -> None:
    path = tmp_path / "sitewarden.yaml"
    path.write_text('sites:\n  - name: "Shop Main"\n    url: http://127.0.0.1:9\n    checks: [{kind: http}]\n')
    code, _, err = await sitewarden("check-config", str(path))
    assert code == 2
    assert "'Shop Main' is not a valid name" in err and "letters, digits" in err and "[A-Za-z" not in err
    path.write_text("sites:\n  - name: empty\n    url: http://127.0.0.1:9\n")
    code, out, err = await sitewarden("check-config", str(path))
    assert code == 0 and ": ok" in out
    assert "warning: sites[0] 'empty' has no checks" in err


async def test_a_soft_failure_reads_and_exits_the_same_in_run_once_and_status(
    tmp_path: Path, fake_site: FakeSite
) -> None:
    fake_site.set("/", body="Add to cart")
    fake_site.set("/health", status=500)
    config = _fleet_config(tmp_path, fake_site)
    config.write_text(config.read_text().replace("failure_threshold: 1", "failure_threshold: 3"))
    code, out, _ = await sitewarden("run", "--once", "-c", str(config))
    assert code == 2 and "error (soft, 1 of 3)" in out
    code, out, _ = await sitewarden("status", "-c", str(config))
    assert code == 2 and "error (soft, 1 of 3)" in out and "pending" not in out
    code, out, _ = await sitewarden("status", "shop/health", "--json", "-c", str(config))
    assert code == 2
    assert [(row["status"], row["soft"]) for row in json.loads(out)] == [("error", "soft, 1 of 3")]


async def test_check_log_and_bytes_metric_agree_when_the_body_is_not_read(tmp_path: Path, fake_site: FakeSite) -> None:
    fake_site.set("/health", body="x" * 335)
    config = _fleet_config(tmp_path, fake_site)
    code, out, _ = await sitewarden("check", "health", "-c", str(config))
    assert "335 bytes" in out and " 0 bytes" not in out


async def test_inventory_without_inventory_checks_says_so_and_how_to_add_one(
    tmp_path: Path, fake_site: FakeSite
) -> None:
    config = _fleet_config(tmp_path, fake_site)
    code, out, err = await sitewarden("inventory", "-c", str(config))
    assert code == 2 and "no site has an inventory check" in err and "cms_health" in err
    code, out, err = await sitewarden("inventory", "shop", "-c", str(config))
    assert code == 2 and "site 'shop' has no inventory check" in err and "run its inventory checks first" not in err


async def _first_lines(*args: str, until: str, cwd: Path | None = None) -> str:
    """Start a long-running command, read its output until `until` appears, then stop it with SIGTERM."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sitewarden", *args, cwd=cwd, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    seen = ""
    try:
        while until not in seen:
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            if not line:
                break
            seen += line.decode()
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 60)
    return seen


async def test_run_and_serve_say_what_they_run_at_start(tmp_path: Path, fake_site: FakeSite) -> None:
    from tests.fixtures.servers import free_port

    config = _fleet_config(tmp_path, fake_site)
    first = await _first_lines("run", "-c", str(config), until="\n")
    assert first.startswith("sitewarden ") and f"config {config}" in first and "1 site, 2 checks" in first
    assert "store sqlite:///" in first and "dashboard http://127.0.0.1:8470/" in first
    port = free_port()
    first = await _first_lines("serve", "--port", str(port), "-c", str(config), until="\n")
    assert f"dashboard http://127.0.0.1:{port}/" in first and "1 site, 2 checks" in first


async def test_demo_prints_its_table_when_output_is_not_a_terminal(tmp_path: Path) -> None:
    from tests.fixtures.servers import free_port

    output = await _first_lines("demo", "--dir", str(tmp_path), "--port", str(free_port()), until="demo fleet")
    assert output.startswith("sitewarden ") and "status/demo" in output and "healthy/web" not in output.split("\n")[0]
    assert "sitewarden demo fleet" in output
