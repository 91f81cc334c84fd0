"""Local commands with Nagios plugin semantics: exit code → status, `TEXT | perfdata` → summary and metrics."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import signal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from sitewarden.durations import Size
from sitewarden.probes.base import Probe, ProbeContext, ProbeParams
from sitewarden.probes.nagios_output import parse_output, status_from_exit
from sitewarden.results import Result, Status
from sitewarden.secrets import Secret, redact
from sitewarden.trust import HostPath

MAX_LONG_TEXT = 4000


def split_command(value: Any) -> Any:
    """A command as a list of arguments; a string is split like a shell would (without running one)."""
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"cannot split the command: {exc}") from None
    return value


CommandLine = Annotated[list[str], BeforeValidator(split_command), Field(min_length=1)]


class CommandParams(ProbeParams):
    """Run a Nagios plugin (or any command) locally: exit 0–3 is the status, `TEXT | perfdata` the summary."""

    kind: Literal["command"] = "command"
    command: CommandLine = Field(description="Program and arguments, e.g. [/usr/lib/nagios/plugins/check_dummy, 0].")
    env: dict[str, Secret] = Field(
        default_factory=dict, description="Extra environment variables (secrets belong here, not in arguments)."
    )
    cwd: HostPath | None = Field(default=None, description="Working directory.")
    max_output: Size = Field(default=65536, gt=0, description="Most output kept (the rest is dropped).")
    timeout_status: Literal["unknown", "error"] = Field(
        default="unknown", description="Status when the command runs over the check's timeout."
    )


class CommandProbe(Probe[CommandParams]):
    """Local command or Nagios plugin."""

    kind = "command"
    params = CommandParams
    pool = "subprocess"
    allowed_from_api = False

    async def run(self, params: CommandParams, ctx: ProbeContext) -> Result:
        env = {**os.environ, **{name: value.get_secret_value() for name, value in params.env.items()}}
        ctx.debug("running " + shlex.join(params.command))
        details: dict[str, Any] = {"command": params.command[0]}
        try:
            process = await asyncio.create_subprocess_exec(
                *params.command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=env,
                cwd=params.cwd,
                start_new_session=True,
            )
        except FileNotFoundError:
            return Result(Status.UNKNOWN, f"command not found: {params.command[0]}", details=details)
        except PermissionError:
            return Result(Status.UNKNOWN, f"command not executable: {params.command[0]}", details=details)
        except OSError as exc:
            return Result(Status.UNKNOWN, f"cannot run {params.command[0]}: {exc.strerror or exc}", details=details)
        try:
            async with asyncio.timeout(ctx.timeout):
                stdout, stderr = await asyncio.gather(
                    _read_capped(process.stdout, params.max_output), _read_capped(process.stderr, params.max_output)
                )
                code = await process.wait()
        except TimeoutError:
            _kill_group(process)
            await process.wait()
            return Result(
                Status.parse(params.timeout_status),
                f"plugin timed out after {ctx.timeout:g} s",
                details=details | {"timed_out": True},
            )
        finally:
            if process.returncode is None:
                _kill_group(process)
                with contextlib.suppress(ProcessLookupError):
                    await process.wait()
        return plugin_result(code, redact(stdout), redact(stderr), details)


def plugin_result(code: int, stdout: str, stderr: str, details: dict[str, Any]) -> Result:
    """Turn a plugin's exit code and output into a Result (shared with the ssh probe's remote plugins)."""
    output = parse_output(stdout)
    details = details | {"exit_code": code}
    if output.long_text:
        details["long_output"] = output.long_text[:MAX_LONG_TEXT]
    if output.perfdata:
        details["perfdata"] = [item.as_dict() for item in output.perfdata]
    if output.problems:
        details["perfdata_problems"] = output.problems
    if stderr.strip():
        details["stderr"] = stderr.strip()[:MAX_LONG_TEXT]
    metrics = [metric for metric in (item.metric() for item in output.perfdata) if metric is not None]
    text = output.text or _first_line(stderr) or "no output"
    status = status_from_exit(code)
    if status is None:
        reason = f"killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return Result(Status.UNKNOWN, f"plugin {reason}: {text}", metrics, details)
    return Result(status, text, metrics, details)


async def _read_capped(stream: asyncio.StreamReader | None, cap: int) -> str:
    """Read a stream to its end, keeping the first `cap` bytes."""
    if stream is None:
        return ""
    kept = b""
    while chunk := await stream.read(65536):
        if len(kept) < cap:
            kept += chunk[: cap - len(kept)]
    return kept.decode("utf-8", errors="replace")


def _kill_group(process: asyncio.subprocess.Process) -> None:
    """Kill the command and whatever it started (it leads its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0][:300] if lines else ""
