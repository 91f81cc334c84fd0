"""Checks over SSH: a process that must run, new log lines that must not match, or a remote Nagios plugin.

Host keys are verified against a known_hosts file; an unknown key is an error unless `trust_on_first_use` lets
the first one seen be stored. Log positions (inode and offset per file) live in the check's memory, so each run
reads only the lines written since the last one, and starts a file over when it was rotated.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any, Literal

import asyncssh
from pydantic import Field, model_validator

from sitewarden.probes.base import Probe, ProbeContext, ProbeParams, site_host
from sitewarden.probes.command import CommandLine, plugin_result
from sitewarden.probes.ssh_logtail import complete_lines, parse_stat, plan_reads
from sitewarden.results import Metric, Result, Status
from sitewarden.secrets import Secret, redact
from sitewarden.trust import HostPath

MAX_LOG_READ = 4 * 1024 * 1024  # per file and run; older bytes beyond this are skipped


class SshParams(ProbeParams):
    """Over SSH: a process pattern with counts, new log lines matching a pattern, or a remote Nagios plugin."""

    kind: Literal["ssh"] = "ssh"
    host: str | None = Field(default=None, description="Host name or address; default the site's host.")
    port: int = Field(default=22, ge=1, le=65535, description="SSH port.")
    user: str = Field(description="Login name.")
    password: Secret | None = Field(default=None, description="Password; use `${ENV_VAR}` or `file:/path`.")
    key_file: HostPath | None = Field(
        default=None, description="Private key file; without it and a password: ~/.ssh keys and the ssh agent."
    )
    key_passphrase: Secret | None = Field(default=None, description="Passphrase of the key file.")
    known_hosts: HostPath = Field(default=Path("~/.ssh/known_hosts"), description="known_hosts file to verify against.")
    trust_on_first_use: bool = Field(
        default=False, description="Store an unknown host key in known_hosts instead of failing (never a changed one)."
    )
    process: re.Pattern[str] | None = Field(
        default=None, description="Regular expression matched against each process's command line (`ps` output)."
    )
    min_count: int = Field(default=1, ge=0, description="Fewest matching processes (process).")
    max_count: int | None = Field(default=None, ge=0, description="Most matching processes (process).")
    log: str | None = Field(default=None, description="Remote file glob, e.g. /var/log/app/*.log (log).")
    pattern: re.Pattern[str] | None = Field(default=None, description="Regular expression for new log lines (log).")
    match_status: Literal["warning", "error"] = Field(default="error", description="Status when a new line matches.")
    max_lines: int = Field(default=20, ge=1, le=1000, description="Most matching lines kept in the result (log).")
    command: CommandLine | None = Field(default=None, description="Remote Nagios plugin and arguments (command).")

    @model_validator(mode="after")
    def _one_mode(self) -> SshParams:
        modes = [name for name in ("process", "log", "command") if getattr(self, name) is not None]
        if len(modes) != 1:
            raise ValueError("give exactly one of process, log or command")
        if self.log is not None and self.pattern is None:
            raise ValueError("a log check needs a pattern")
        if self.max_count is not None and self.max_count < self.min_count:
            raise ValueError("max_count must not be smaller than min_count")
        return self


class SshProbe(Probe[SshParams]):
    """Process, log or plugin check over SSH."""

    kind = "ssh"
    params = SshParams
    pool = "ssh"
    allowed_from_api = False

    async def run(self, params: SshParams, ctx: ProbeContext) -> Result:
        host = params.host or site_host(ctx.site)
        if not host:
            return Result(Status.UNKNOWN, "no host given and the check belongs to no site")
        where = f"{host}:{params.port}"
        policy = HostKeyPolicy(params, host)
        try:
            connection = await asyncssh.connect(
                host,
                params.port,
                username=params.user,
                password=params.password.get_secret_value() if params.password else None,
                client_keys=_client_keys(params),
                passphrase=params.key_passphrase.get_secret_value() if params.key_passphrase else None,
                known_hosts=policy.known,
                client_factory=lambda: policy,
                agent_path=() if params.key_file is None and params.password is None else None,
                config=None,
                connect_timeout=ctx.timeout,
                login_timeout=ctx.timeout,
            )
        except asyncssh.HostKeyNotVerifiable:
            return Result(Status.ERROR, policy.problem or f"SSH host key of {where} not accepted", details=policy.facts)
        except asyncssh.PermissionDenied:
            return Result(Status.ERROR, f"SSH authentication failed for {params.user}@{where}", details=policy.facts)
        except ConnectionRefusedError:
            return Result(Status.ERROR, f"connection refused by {where}")
        except TimeoutError:
            return Result(Status.ERROR, f"timed out while connecting to {where} after {ctx.timeout:g} s")
        except (asyncssh.Error, OSError) as exc:
            reason = getattr(exc, "reason", "") or getattr(exc, "strerror", "") or type(exc).__name__
            return Result(Status.ERROR, f"SSH connection to {where} failed: {str(reason).lower()}")
        try:
            if policy.stored:
                ctx.debug(f"stored the host key {policy.facts.get('fingerprint')} in {params.known_hosts}")
            if params.process is not None:
                return await check_process(connection, params, params.process)
            if params.command is not None:
                return await check_command(connection, params.command)
            return await check_log(connection, params, ctx)
        finally:
            connection.close()
            await connection.wait_closed()


class HostKeyPolicy(asyncssh.SSHClient):
    """Asked by asyncssh about a host key known_hosts does not trust: refuses it, or stores it on first use."""

    def __init__(self, params: SshParams, host: str) -> None:
        self.path = params.known_hosts.expanduser()
        self.trust_on_first_use = params.trust_on_first_use
        self.entry = host if params.port == 22 else f"[{host}]:{params.port}"
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        self.known = asyncssh.import_known_hosts(text)
        self.host_known = bool(self.known.match(host, "", params.port)[0])
        self.problem: str | None = None
        self.stored = False
        self.facts: dict[str, Any] = {"host": host, "port": params.port}

    def validate_host_public_key(self, host: str, _addr: str, port: int, key: asyncssh.SSHKey) -> bool:
        fingerprint = key.get_fingerprint()
        self.facts["fingerprint"] = fingerprint
        where = f"{host}:{port}"
        if self.host_known:
            self.problem = (
                f"SSH host key of {where} has changed ({key.get_algorithm()} {fingerprint}); "
                f"possible man-in-the-middle, check it before updating {self.path}"
            )
            return False
        if not self.trust_on_first_use:
            self.problem = (
                f"unknown SSH host key of {where} ({key.get_algorithm()} {fingerprint}); "
                f"add it to {self.path} or set trust_on_first_use: true"
            )
            return False
        line = f"{self.entry} {key.export_public_key('openssh').decode('ascii').strip()}\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
        self.stored = True
        return True


async def check_process(
    connection: asyncssh.SSHClientConnection, params: SshParams, pattern: re.Pattern[str]
) -> Result:
    """Count command lines in `ps` output that match; outside min_count..max_count is an error."""
    completed = await connection.run("ps -eo pid=,args=", check=False)
    if completed.exit_status != 0:
        return Result(Status.UNKNOWN, f"ps failed on the host: {_text(completed.stderr).strip()[:200]}")
    lines = [line.strip() for line in _text(completed.stdout).splitlines() if line.strip()]
    matching = [line for line in lines if pattern.search(line.split(None, 1)[-1])]
    count = len(matching)
    details = {"pattern": pattern.pattern, "processes": matching[:20]}
    metrics = [Metric("processes", count)]
    noun = "process matches" if count == 1 else "processes match"
    if count < params.min_count:
        text = f"no process matches '{pattern.pattern}'" if count == 0 else f"{count} {noun} '{pattern.pattern}'"
        if count or params.min_count > 1:
            text += f", expected at least {params.min_count}"
        return Result(Status.ERROR, text, metrics, details)
    if params.max_count is not None and count > params.max_count:
        text = f"{count} {noun} '{pattern.pattern}', expected at most {params.max_count}"
        return Result(Status.ERROR, text, metrics, details)
    return Result(Status.OK, f"{count} {noun} '{pattern.pattern}'", metrics, details)


async def check_command(connection: asyncssh.SSHClientConnection, command: list[str]) -> Result:
    """Run a remote Nagios plugin; its exit code and output are read as a local plugin's would be."""
    completed = await connection.run(shlex.join(command), check=False)
    details: dict[str, Any] = {"command": command[0], "remote": True}
    if completed.exit_status is None:
        signal = completed.exit_signal[0] if completed.exit_signal else "unknown"
        return Result(Status.UNKNOWN, f"plugin killed by signal {signal} on the host", details=details)
    if completed.exit_status == 127:
        return Result(Status.UNKNOWN, f"command not found on the host: {command[0]}", details=details)
    return plugin_result(
        completed.exit_status, redact(_text(completed.stdout)), redact(_text(completed.stderr)), details
    )


async def check_log(connection: asyncssh.SSHClientConnection, params: SshParams, ctx: ProbeContext) -> Result:
    """Read what was appended to each matching file since the last run and look for the pattern."""
    assert params.log is not None and params.pattern is not None
    pattern = params.pattern
    first_run = "files" not in ctx.memory
    async with connection.start_sftp_client() as sftp:
        try:
            paths = sorted(_text(path) for path in await sftp.glob(params.log))
        except asyncssh.SFTPNoSuchFile:
            paths = []
        if not paths:
            return Result(Status.UNKNOWN, f"no file matches {params.log}")
        listed = await connection.run("stat -L -c '%i %s %n' -- " + shlex.join(paths), check=False)
        stats = parse_stat(_text(listed.stdout))
        plans = plan_reads(None if first_run else ctx.memory["files"], stats, MAX_LOG_READ)
        positions: dict[str, dict[str, int]] = {}
        matches: list[str] = []
        new_lines = 0
        notes = []
        for plan in plans:
            offset = plan.start
            if plan.size > plan.start:
                async with sftp.open(plan.path, "rb") as handle:
                    await handle.seek(plan.start)
                    data = await handle.read(plan.size - plan.start)
                lines, offset = complete_lines(data if isinstance(data, bytes) else data.encode(), plan.start)
                new_lines += len(lines)
                matches.extend(f"{plan.path}: {line}" for line in lines if pattern.search(line))
            if plan.rotated:
                notes.append(f"{plan.path} was rotated")
            if plan.skipped:
                notes.append(f"{plan.path}: skipped {plan.skipped} bytes")
            positions[plan.path] = {"inode": plan.inode, "offset": offset}
    ctx.memory["files"] = positions
    for note in notes:
        ctx.debug(note)
    details: dict[str, Any] = {"files": sorted(positions), "new_lines": new_lines, "pattern": pattern.pattern}
    if notes:
        details["notes"] = notes
    metrics = [Metric("new_lines", new_lines), Metric("matching_lines", len(matches))]
    if first_run:
        return Result(Status.OK, f"watching {len(positions)} file(s) from their current end", metrics, details)
    if matches:
        details["lines"] = [redact(line)[:1000] for line in matches[: params.max_lines]]
        count = len(matches)
        text = f"{count} new line{'s' if count > 1 else ''} match '{pattern.pattern}': {details['lines'][0][:200]}"
        return Result(Status.parse(params.match_status), text, metrics, details)
    return Result(Status.OK, f"no new line matches '{pattern.pattern}' ({new_lines} new lines)", metrics, details)


def _client_keys(params: SshParams) -> Any:
    """The key file; none with a password alone; else the user's default keys and agent, as ssh would."""
    if params.key_file is not None:
        return [str(params.key_file.expanduser())]
    return None if params.password is not None else ()


def _text(data: Any) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return str(data or "")
