from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import asyncssh

from sitewarden.probes.ssh import SshParams, SshProbe
from sitewarden.results import Status
from tests.fixtures.servers import free_port
from tests.fixtures.sshd import Sshd
from tests.probes.conftest import MakeContext, config_errors

PLUGINS = Path("/usr/lib/nagios/plugins")


def _params(server: Sshd, **data: Any) -> SshParams:
    base = {
        "kind": "ssh",
        "host": server.host,
        "port": server.port,
        "user": server.user,
        "key_file": str(server.client_key),
        "known_hosts": str(server.known_hosts),
    }
    return SshParams.model_validate(base | data)


def test_exactly_one_mode_and_some_credentials() -> None:
    base = "kind: ssh, host: db.example.org, user: monitor"
    assert "give exactly one of process, log or command" in config_errors(f"- {{{base}, password: x}}")
    assert "give exactly one of process, log or command" in config_errors(
        f"- {{{base}, password: x, process: a, command: [b]}}"
    )
    assert "a log check needs a pattern" in config_errors(f"- {{{base}, password: x, log: /var/log/*.log}}")
    assert config_errors(f"- {{{base}, process: nginx}}") == "", "default keys and the agent, as ssh would"
    assert config_errors(f"- {{{base}, password: '${{NO_SUCH_SSH_PASSWORD}}', process: nginx}}").endswith(
        "environment variable NO_SUCH_SSH_PASSWORD is not set"
    )


def test_password_never_shows() -> None:
    params = SshParams.model_validate({"kind": "ssh", "host": "h", "user": "u", "password": "pw-1234", "process": "x"})
    assert "pw-1234" not in repr(params) and "pw-1234" not in str(params.model_dump(mode="json"))


async def test_running_process_is_counted(sshd: Sshd, probe_context: MakeContext) -> None:
    pattern = f"sshd -D -e -f {sshd.config}"
    result = await SshProbe().run(_params(sshd, process=pattern), probe_context())
    assert (result.status, result.summary) == (Status.OK, f"1 process matches '{pattern}'")
    assert result.metric("processes") == 1
    result = await SshProbe().run(_params(sshd, process=pattern, min_count=2), probe_context())
    assert (result.status, result.summary) == (Status.ERROR, f"1 process matches '{pattern}', expected at least 2")


async def test_missing_process_is_an_error(sshd: Sshd, probe_context: MakeContext) -> None:
    result = await SshProbe().run(_params(sshd, process="no-such-daemon-[x]yz"), probe_context())
    assert (result.status, result.summary) == (Status.ERROR, "no process matches 'no-such-daemon-[x]yz'")


async def test_remote_plugin_exit_codes_and_perfdata(sshd: Sshd, probe_context: MakeContext) -> None:
    script = "echo 'DISK WARNING - 91% used | used=91%;90;95'; exit 1"
    result = await SshProbe().run(_params(sshd, command=["sh", "-c", script]), probe_context())
    assert (result.status, result.summary) == (Status.WARNING, "DISK WARNING - 91% used")
    assert result.metric("used") == 91
    result = await SshProbe().run(_params(sshd, command=["sh", "-c", "echo unsure; exit 3"]), probe_context())
    assert (result.status, result.summary) == (Status.UNKNOWN, "unsure")
    if (PLUGINS / "check_dummy").exists():
        dummy = [str(PLUGINS / "check_dummy"), "2", "remote trouble"]
        result = await SshProbe().run(_params(sshd, command=dummy), probe_context())
        assert (result.status, result.summary) == (Status.ERROR, "CRITICAL: remote trouble")


async def test_log_reports_only_new_matching_lines_and_follows_rotation(
    sshd: Sshd, tmp_path: Path, probe_context: MakeContext
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    app_log = logs / "app.log"
    app_log.write_text("old ERROR from yesterday\n")
    memory: dict[str, Any] = {}
    params = _params(sshd, log=str(logs / "*.log"), pattern="ERROR|FATAL", match_status="warning")
    probe = SshProbe()

    first = await probe.run(params, probe_context(memory=memory))
    assert (first.status, first.summary) == (Status.OK, "watching 1 file(s) from their current end")

    with app_log.open("a") as handle:
        handle.write("INFO fine\nERROR disk full\nhalf a li")
    second = await probe.run(params, probe_context(memory=memory))
    assert second.status is Status.WARNING
    assert second.summary == f"1 new line match 'ERROR|FATAL': {app_log}: ERROR disk full"
    assert second.details["lines"] == [f"{app_log}: ERROR disk full"]

    with app_log.open("a") as handle:
        handle.write("ne FATAL\n")
    third = await probe.run(params, probe_context(memory=memory))
    assert third.details["lines"] == [f"{app_log}: half a line FATAL"], "a partial line waits until it is complete"

    quiet = await probe.run(params, probe_context(memory=memory))
    assert (quiet.status, quiet.summary) == (Status.OK, "no new line matches 'ERROR|FATAL' (0 new lines)")

    app_log.rename(logs / "app.log.1")
    app_log.write_text("ERROR after rotation\n")
    rotated = await probe.run(params, probe_context(memory=memory))
    assert rotated.status is Status.WARNING
    assert rotated.details["lines"] == [f"{app_log}: ERROR after rotation"]
    assert rotated.details["notes"] == [f"{app_log} was rotated"]

    app_log.write_text("")  # copytruncate: same inode, smaller file
    with app_log.open("a") as handle:
        handle.write("FATAL x\n")
    truncated = await probe.run(params, probe_context(memory=memory))
    assert truncated.details["lines"] == [f"{app_log}: FATAL x"]

    (logs / "new.log").write_text("ERROR in a new file\n")
    added = await probe.run(params, probe_context(memory=memory))
    assert added.details["lines"] == [f"{logs / 'new.log'}: ERROR in a new file"]


async def test_log_glob_matching_nothing_is_unknown(sshd: Sshd, tmp_path: Path, probe_context: MakeContext) -> None:
    result = await SshProbe().run(_params(sshd, log=str(tmp_path / "none" / "*.log"), pattern="x"), probe_context())
    assert (result.status, result.summary) == (Status.UNKNOWN, f"no file matches {tmp_path / 'none' / '*.log'}")


async def test_unknown_host_key_is_an_error(sshd: Sshd, tmp_path: Path, probe_context: MakeContext) -> None:
    empty = tmp_path / "empty_known_hosts"
    result = await SshProbe().run(_params(sshd, known_hosts=str(empty), process="sshd"), probe_context())
    assert result.status is Status.ERROR
    assert result.summary.startswith(f"unknown SSH host key of 127.0.0.1:{sshd.port} (ssh-ed25519 SHA256:")
    assert result.summary.endswith(f"add it to {empty} or set trust_on_first_use: true")
    assert not empty.exists()


async def test_trust_on_first_use_stores_the_key(sshd: Sshd, tmp_path: Path, probe_context: MakeContext) -> None:
    stored = tmp_path / "tofu_known_hosts"
    tofu = _params(sshd, known_hosts=str(stored), trust_on_first_use=True, process="sshd")
    result = await SshProbe().run(tofu, probe_context())
    assert result.status is Status.OK, result.summary
    assert stored.read_text() == f"[127.0.0.1]:{sshd.port} {sshd.host_key_line}\n"
    strict = _params(sshd, known_hosts=str(stored), process="sshd")
    assert (await SshProbe().run(strict, probe_context())).status is Status.OK


async def test_changed_host_key_is_refused_even_with_trust_on_first_use(
    sshd: Sshd, tmp_path: Path, probe_context: MakeContext
) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode().strip()
    known = tmp_path / "stale_known_hosts"
    known.write_text(f"[127.0.0.1]:{sshd.port} {other}\n")
    params = _params(sshd, known_hosts=str(known), trust_on_first_use=True, process="sshd")
    result = await SshProbe().run(params, probe_context())
    assert result.status is Status.ERROR
    assert result.summary.startswith(f"SSH host key of 127.0.0.1:{sshd.port} has changed")
    assert known.read_text() == f"[127.0.0.1]:{sshd.port} {other}\n"


async def test_wrong_key_is_an_authentication_failure(sshd: Sshd, tmp_path: Path, probe_context: MakeContext) -> None:
    stranger = tmp_path / "stranger"
    asyncssh.generate_private_key("ssh-ed25519").write_private_key(str(stranger))
    os.chmod(stranger, 0o600)
    result = await SshProbe().run(_params(sshd, key_file=str(stranger), process="sshd"), probe_context())
    assert (result.status, result.summary) == (
        Status.ERROR,
        f"SSH authentication failed for {sshd.user}@127.0.0.1:{sshd.port}",
    )


async def test_refused_port_is_an_error(tmp_path: Path, probe_context: MakeContext) -> None:
    port = free_port()
    params = SshParams.model_validate(
        {"kind": "ssh", "host": "127.0.0.1", "port": port, "user": "u", "password": "p", "process": "x"}
    )
    result = await SshProbe().run(params, probe_context())
    assert (result.status, result.summary) == (Status.ERROR, f"connection refused by 127.0.0.1:{port}")
