from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from sitewarden.probes.command import CommandParams, CommandProbe
from sitewarden.results import Status
from sitewarden.secrets import register_secret
from tests.fixtures.servers import FakeSite, free_port
from tests.probes.conftest import MakeContext, config_errors, load_check

PLUGINS = Path("/usr/lib/nagios/plugins")

needs_plugins = pytest.mark.skipif(
    not (PLUGINS / "check_dummy").exists() and not os.environ.get("CI"),
    reason="monitoring-plugins are not installed (scripts/test-setup.sh installs them)",
)


def _params(*command: str, **more: object) -> CommandParams:
    return CommandParams.model_validate({"kind": "command", "command": list(command), **more})


def test_command_is_a_list_or_a_string_split_like_a_shell() -> None:
    check = load_check("- {kind: command, command: \"/usr/bin/check 'a b' c\"}")
    assert check.command == ["/usr/bin/check", "a b", "c"]
    assert "checks[0].command: value should have at least 1 item" in config_errors("- {kind: command, command: []}")
    assert "checks[0].command: cannot split the command" in config_errors('- {kind: command, command: "a \'b"}')


def test_env_values_are_secrets_and_never_dumped() -> None:
    check = load_check("- {kind: command, command: [x], env: {TOKEN: hunter22}}")
    assert "hunter22" not in repr(check)
    assert "hunter22" not in str(check.model_dump(mode="json"))


@needs_plugins
@pytest.mark.parametrize(
    ("code", "status"), [(0, Status.OK), (1, Status.WARNING), (2, Status.ERROR), (3, Status.UNKNOWN)]
)
async def test_check_dummy_exit_codes_map_to_statuses(code: int, status: Status, probe_context: MakeContext) -> None:
    result = await CommandProbe().run(_params(str(PLUGINS / "check_dummy"), str(code), "all good"), probe_context())
    assert result.status is status
    assert result.summary == f"{status.nagios}: all good"
    assert result.details["exit_code"] == code


@needs_plugins
async def test_check_tcp_perfdata_becomes_metrics(fake_site: FakeSite, probe_context: MakeContext) -> None:
    port = fake_site.url.rsplit(":", 1)[1].strip("/")
    command = (str(PLUGINS / "check_tcp"), "-H", "127.0.0.1", "-p", port, "-w", "5", "-c", "10")
    result = await CommandProbe().run(_params(*command), probe_context())
    assert result.status is Status.OK, result.summary
    assert result.summary.startswith("TCP OK")
    assert result.metric("time") is not None
    metric = next(metric for metric in result.metrics if metric.name == "time")
    assert (metric.unit, metric.warn, metric.crit) == ("s", 5.0, 10.0)


@needs_plugins
async def test_check_http_keyword_failure_is_critical(fake_site: FakeSite, probe_context: MakeContext) -> None:
    fake_site.set("/", body="<html>maintenance</html>")
    port = fake_site.url.rsplit(":", 1)[1].strip("/")
    command = (str(PLUGINS / "check_http"), "-H", "127.0.0.1", "-p", port, "-s", "Add to cart")
    result = await CommandProbe().run(_params(*command), probe_context())
    assert result.status is Status.ERROR
    assert result.summary.startswith("HTTP CRITICAL")


@needs_plugins
async def test_refused_port_through_check_tcp_is_critical(probe_context: MakeContext) -> None:
    command = (str(PLUGINS / "check_tcp"), "-H", "127.0.0.1", "-p", str(free_port()))
    result = await CommandProbe().run(_params(*command), probe_context())
    assert result.status is Status.ERROR
    assert "Connection refused" in result.summary


async def test_plugin_timeout_is_unknown_and_the_process_group_is_killed(
    tmp_path: Path, probe_context: MakeContext
) -> None:
    marker = tmp_path / "child.pid"
    script = f"sleep 30 & echo $! > {marker}; wait"
    result = await CommandProbe().run(_params("/bin/sh", "-c", script), probe_context(timeout=0.5))
    assert (result.status, result.summary) == (Status.UNKNOWN, "plugin timed out after 0.5 s")
    child = int(marker.read_text())
    assert _gone(child), "the plugin's child process outlived the timeout"


def _gone(pid: int) -> bool:
    """True once the process is dead (a zombie waiting for its reaper counts as dead)."""
    for _ in range(100):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.02)
    return False


async def test_timeout_status_can_be_error(probe_context: MakeContext) -> None:
    params = _params("/bin/sleep", "5", timeout_status="error")
    result = await CommandProbe().run(params, probe_context(timeout=0.2))
    assert result.status is Status.ERROR


async def test_exit_three_with_long_output_keeps_it(probe_context: MakeContext) -> None:
    script = "printf 'UNKNOWN - cannot tell | a=1;2;3\\nline two\\nline three | b=5%%\\n'; exit 3"
    result = await CommandProbe().run(_params("/bin/sh", "-c", script), probe_context())
    assert (result.status, result.summary) == (Status.UNKNOWN, "UNKNOWN - cannot tell")
    assert result.details["long_output"] == "line two\nline three"
    assert [metric.name for metric in result.metrics] == ["a", "b"]


async def test_exit_code_outside_nagios_range_is_unknown(probe_context: MakeContext) -> None:
    result = await CommandProbe().run(_params("/bin/sh", "-c", "echo broken; exit 42"), probe_context())
    assert (result.status, result.summary) == (Status.UNKNOWN, "plugin exited with code 42: broken")


async def test_missing_command_is_unknown(probe_context: MakeContext) -> None:
    result = await CommandProbe().run(_params("/nonexistent/check_x"), probe_context())
    assert (result.status, result.summary) == (Status.UNKNOWN, "command not found: /nonexistent/check_x")


async def test_secret_env_reaches_the_command_but_not_the_result(probe_context: MakeContext) -> None:
    register_secret("s3cret-token")
    params = _params(
        sys.executable, "-c", "import os; print('OK - token', os.environ['TOKEN'])", env={"TOKEN": "s3cret-token"}
    )
    result = await CommandProbe().run(params, probe_context())
    assert result.status is Status.OK
    assert result.summary == "OK - token **********"
