"""SLA reports as text, CSV (one row per site and period, for spreadsheets) and JSON (the API's shape)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from sitewarden.app.sla import GroupSla, SiteSla, SlaReport
from sitewarden.availability import Figures, Outage
from sitewarden.config.kinds import certificate_kinds, domain_kinds

CSV_COLUMNS = (
    "site",
    "groups",
    "period_start",
    "period_end",
    "measured_from",
    "measured_until",
    "target_percent",
    "availability_ratio",
    "measured_s",
    "excluded_s",
    "down_s",
    "outages",
    "mttr_s",
    "budget_left_s",
    "met",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "paused",
    "certificate_days_left",
    "domain_days_left",
    "excluded",
)
"""`excluded` lists the excluded stretches as `START/END reason`, separated by ` | ` (ISO 8601 intervals)."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def _figures(figures: Figures, target: float | None) -> dict[str, Any]:
    availability = figures.availability
    return {
        "measured_from": _iso(figures.start),
        "measured_until": _iso(figures.end),
        "availability": availability,
        "measured_s": round(figures.measured_s, 3),
        "excluded_s": round(figures.excluded_s, 3),
        "down_s": round(figures.down_s, 3),
        "outages": figures.outage_count,
        "mttr_s": round(figures.mttr_s, 3) if figures.mttr_s is not None else None,
        "budget_left_s": _round(figures.budget_left_s(target)) if target is not None else None,
        "met": (availability * 100 >= target) if target is not None and availability is not None else None,
        "paused": figures.paused,
    }


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _outage(outage: Outage) -> dict[str, Any]:
    return {
        "start": _iso(outage.start),
        "end": None if outage.ongoing else _iso(outage.end),
        "counted_s": round(outage.counted_s, 3),
        "excluded_s": round(outage.excluded_s, 3),
        "cause": outage.cause,
    }


def site_json(site: SiteSla) -> dict[str, Any]:
    return {
        "name": site.name,
        "groups": site.groups,
        "target": site.target,
        **_figures(site.figures, site.target),
        "percentiles_ms": site.percentiles,
        "outage_list": [_outage(outage) for outage in site.figures.outages],
        "maintenance": [
            {"start": _iso(low), "end": _iso(high), "reason": reason} for low, high, reason in site.windows
        ],
        "daily": [{"day": day.date().isoformat(), "availability": value} for day, value in site.daily],
        "expiries": [
            {"check": item.check, "kind": item.kind, "days_left": item.days_left, "summary": item.summary}
            for item in site.expiries
        ],
        "security": [{"title": item.title, "fix": item.fix, "advisories": item.advisories} for item in site.security],
        "checks": [
            {
                "name": check.name,
                "kind": check.kind,
                **_figures(check.figures, None),
                "percentiles_ms": check.percentiles,
            }
            for check in site.checks
        ],
    }


def group_json(group: GroupSla) -> dict[str, Any]:
    return {"name": group.name, "target": group.target, **_figures(group.figures, group.target), "sites": group.sites}


def report_json(report: SlaReport) -> dict[str, Any]:
    return {
        "period": {"start": _iso(report.start), "end": _iso(report.end)},
        "groups": [group_json(group) for group in report.groups],
        "sites": [site_json(site) for site in report.sites],
    }


def report_csv(report: SlaReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for site in report.sites:
        row = {
            "site": site.name,
            "groups": ";".join(site.groups),
            "period_start": _iso(report.start),
            "period_end": _iso(report.end),
            "target_percent": site.target,
            **_figures(site.figures, site.target),
            "availability_ratio": _ratio(site.figures.availability),
            **{f"{name}_ms": site.percentiles.get(name) for name in ("p50", "p95", "p99")},
            "certificate_days_left": _soonest(site, "certificate"),
            "domain_days_left": _soonest(site, "domain"),
            "excluded": " | ".join(f"{_iso(low)}/{_iso(high)} {reason}" for low, high, reason in site.windows),
        }
        writer.writerow(["" if row.get(column) is None else _cell(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def _soonest(site: SiteSla, family: str) -> float | None:
    """The fewest days left among the site's certificate (or domain) checks, from their latest results."""
    kinds = certificate_kinds() if family == "certificate" else domain_kinds()
    days = [item.days_left for item in site.expiries if item.kind in kinds and item.days_left is not None]
    return min(days) if days else None


def _ratio(value: float | None) -> str | None:
    return f"{value:.6f}" if value is not None else None


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def percent(value: float | None) -> str:
    return f"{value * 100:.3f}%" if value is not None else "—"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(int(round(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}h{minutes:02d}m{secs:02d}s"


def report_text(report: SlaReport) -> str:
    lines = [f"SLA report {report.start:%Y-%m-%d} – {report.end:%Y-%m-%d} (UTC)", ""]
    for group in report.groups:
        verdict = {True: "met", False: "MISSED", None: "no target"}[group.met]
        target = f"target {group.target}%" if group.target is not None else "no target"
        left = group.figures.budget_left_s(group.target) if group.target is not None else None
        lines.append(
            f"group {group.name}: {percent(group.figures.availability)} ({target}, {verdict}), "
            f"{group.figures.outage_count} outages, down {duration(group.figures.down_s)}, "
            f"budget left {duration(left)}"
        )
    if report.groups:
        lines.append("")
    header = (
        f"{'site':<24} {'availability':>12} {'outages':>7} {'down':>11} {'MTTR':>11} {'excluded':>11} {'p95 ms':>8}"
    )
    lines += [header, "-" * len(header)]
    for site in report.sites:
        figures = site.figures
        shown = "paused" if figures.paused else percent(figures.availability)
        p95 = site.percentiles.get("p95")
        lines.append(
            f"{site.name:<24} {shown:>12} {figures.outage_count:>7} {duration(figures.down_s):>11} "
            f"{duration(figures.mttr_s):>11} {duration(figures.excluded_s):>11} {p95 if p95 is not None else '—':>8}"
        )
        for outage in figures.outages:
            end = "ongoing" if outage.ongoing else f"{outage.end:%Y-%m-%d %H:%M}"
            length = duration(outage.counted_s)
            lines.append(f"    outage {outage.start:%Y-%m-%d %H:%M} – {end}  {length}  {outage.cause}")
        for low, high, reason in site.windows:
            length = duration((high - low).total_seconds())
            lines.append(f"    excluded {low:%Y-%m-%d %H:%M} – {high:%Y-%m-%d %H:%M}  {length}  {reason}")
        for expiry in site.expiries:
            days = f"{expiry.days_left:.0f} days left" if expiry.days_left is not None else "days left unknown"
            lines.append(f"    expiry {expiry.check} ({expiry.kind}): {days}")
        for check in site.checks:
            if check.figures.paused:
                lines.append(f"    check {check.name} is paused")
    return "\n".join(lines) + "\n"
