"""Push monitoring for cron jobs and backups: error when no ping arrives within `period + grace`."""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import Field

from sitewarden.durations import Duration, format_duration
from sitewarden.probes.base import Probe, ProbeContext, ProbeParams, PushWindow
from sitewarden.results import Metric, Result, Status


class HeartbeatFacts(Protocol):
    """What the store knows of one heartbeat (see store/heartbeats.py); read through `ctx.services`."""

    uuid: str
    created_at: datetime
    last_ping_at: datetime | None
    last_kind: str | None
    last_success_at: datetime | None
    running_since: datetime | None
    last_duration_s: float | None
    last_body: str


class HeartbeatReader(Protocol):
    """The `heartbeats` service the engine passes in; probes never open the store themselves."""

    async def facts(self, check_key: str) -> HeartbeatFacts | None: ...


class HeartbeatParams(ProbeParams):
    """Wait for pings to /ping/<uuid> from a cron job or backup; error when one is overdue or reports failure."""

    kind: Literal["heartbeat"] = "heartbeat"
    period: Duration = Field(gt=0, description="How often the job pings, e.g. 1h or 1d.")
    grace: Duration = Field(default=600.0, ge=0, description="How late a ping (or a started run) may be.")
    uuid: uuid_module.UUID | None = Field(
        default=None, description="The ping URL's uuid; default a random one made on first start and kept."
    )


class HeartbeatProbe(Probe[HeartbeatParams]):
    """Heartbeat (push) check for cron jobs and backups."""

    kind = "heartbeat"
    params = HeartbeatParams
    pool = "network"
    accepts_pushes = True

    @classmethod
    def push_window(cls, params: ProbeParams) -> PushWindow:
        assert isinstance(params, HeartbeatParams)
        return PushWindow(None if params.uuid is None else str(params.uuid), params.period, params.grace)

    async def run(self, params: HeartbeatParams, ctx: ProbeContext) -> Result:
        reader: HeartbeatReader | None = ctx.services.get("heartbeats")
        if reader is None:
            return Result(Status.UNKNOWN, "heartbeat pings cannot be read in this process")
        facts = await reader.facts(ctx.check_key)
        if facts is None:
            return Result(Status.UNKNOWN, "heartbeat not registered yet; it is on the next start")
        return judge_heartbeat(params, facts, ctx.clock())


def judge_heartbeat(params: HeartbeatParams, facts: HeartbeatFacts, now: datetime) -> Result:
    """Failure reported, a run over its grace, or a success overdue; else how long ago the last ping came."""
    details: dict[str, Any] = {"uuid": facts.uuid, "ping_path": f"/ping/{facts.uuid}", "last_kind": facts.last_kind}
    metrics: list[Metric] = []
    if facts.last_ping_at is not None:
        details["last_ping_at"] = facts.last_ping_at.isoformat()
    if facts.last_body:
        details["last_body"] = facts.last_body[:500]
    if facts.last_duration_s is not None:
        metrics.append(Metric("duration_s", round(facts.last_duration_s, 3), "s"))
    if facts.last_success_at is not None:
        metrics.append(Metric("since_success_s", round((now - facts.last_success_at).total_seconds(), 1), "s"))
    allowed = params.period + params.grace
    expect = f"expected every {format_duration(params.period)}, grace {format_duration(params.grace)}"
    if facts.last_kind == "fail" and facts.last_ping_at is not None:
        line = facts.last_body.strip().splitlines()[0][:120] if facts.last_body.strip() else ""
        text = f"job reported failure {_ago(now, facts.last_ping_at)}" + (f": {line}" if line else "")
        return Result(Status.ERROR, text, metrics, details)
    if facts.running_since is not None:
        running = (now - facts.running_since).total_seconds()
        if running > params.grace:
            text = (
                f"run started {_ago(now, facts.running_since)} has not finished (grace {format_duration(params.grace)})"
            )
            return Result(Status.ERROR, text, metrics, details)
    if facts.last_success_at is None:
        waited = (now - facts.created_at).total_seconds()
        if waited > allowed:
            return Result(
                Status.ERROR, f"no ping received since {_ago(now, facts.created_at)} ({expect})", metrics, details
            )
        return Result(Status.OK, f"waiting for the first ping ({expect})", metrics, details)
    since = (now - facts.last_success_at).total_seconds()
    if since > allowed:
        return Result(Status.ERROR, f"last ping {_ago(now, facts.last_success_at)} ({expect})", metrics, details)
    text = f"last ping {_ago(now, facts.last_success_at)}"
    if facts.running_since is not None:
        text += f", running since {_ago(now, facts.running_since)}"
    elif since > params.period:
        text += ", late but within the grace time"
    if facts.last_duration_s is not None:
        text += f", last run took {format_duration(facts.last_duration_s)}"
    return Result(Status.OK, text, metrics, details)


def _ago(now: datetime, moment: datetime) -> str:
    seconds = max((now - moment).total_seconds(), 0.0)
    return "just now" if seconds < 1 else f"{format_duration(seconds)} ago"
