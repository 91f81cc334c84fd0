"""`sitewarden report sla` and `GET /api/v1/reports/sla`: choose the period, build the report, render one format."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sitewarden.app.database import Session
from sitewarden.app.sla import SlaReport, sla_report
from sitewarden.app.sla_extras import add_extras
from sitewarden.app.sla_formats import report_csv, report_json, report_text
from sitewarden.availability import month_period
from sitewarden.config.models import Config
from sitewarden.errors import SitewardenError
from sitewarden.events.settings import MaintenanceWindow
from sitewarden.results import utcnow
from sitewarden.store.database import open_database

FORMATS = ("text", "csv", "json", "pdf")


def choose_period(month: str | None, start: str | None, end: str | None, now: datetime) -> tuple[datetime, datetime]:
    """`--month 2026-11`, or `--from … --to …` (dates or ISO times, UTC; `--to` is exclusive); default: last month."""
    if month is not None and (start is not None or end is not None):
        raise SitewardenError("give either --month or --from/--to, not both")
    if start is not None or end is not None:
        if start is None or end is None:
            raise SitewardenError("--from and --to go together", hint="--from 2026-11-01 --to 2026-12-01")
        low, high = _moment(start, "--from"), _moment(end, "--to")
        if high <= low:
            raise SitewardenError(f"--to {end} is not after --from {start}")
        return low, high
    if month is None:
        first = now.astimezone(UTC).replace(day=1) - timedelta(days=1)
        month = f"{first.year}-{first.month:02d}"
    try:
        return month_period(month)
    except ValueError:
        raise SitewardenError(f"--month {month} is not a month", hint="--month 2026-11") from None


def _moment(text: str, option: str) -> datetime:
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SitewardenError(f"{option} {text} is not a date", hint=f"{option} 2026-11-01") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def targets(config: Config) -> dict[str, float | None]:
    """The `sla:` target of each configured group."""
    return {name: group.sla for name, group in config.groups.items()}


def build(
    connection: Session,
    config_targets: dict[str, float | None],
    period: tuple[datetime, datetime],
    *,
    group: str | None,
    site: str | None,
    now: datetime | None = None,
    maintenance: Sequence[MaintenanceWindow] = (),
) -> SlaReport:
    """The report with its extras (expiries, security); `maintenance` is the config's windows, left out."""
    moment = now or utcnow()
    report = sla_report(connection, config_targets, *period, moment, group=group, site=site, maintenance=maintenance)
    add_extras(connection, report)
    return report


def render(report: SlaReport, fmt: str) -> str | bytes:
    """The report in one of FORMATS: text and CSV for people and spreadsheets, JSON as the API serves it, PDF."""
    if fmt == "csv":
        return report_csv(report)
    if fmt == "json":
        return json.dumps(report_json(report), indent=2) + "\n"
    if fmt == "pdf":
        from sitewarden.app.sla_pdf import render_pdf

        document: bytes = render_pdf(report)
        return document
    return report_text(report)


def sla_command(
    config: Config,
    fmt: str,
    *,
    group: str | None,
    site: str | None,
    month: str | None,
    start: str | None,
    end: str | None,
) -> str | bytes:
    """`sitewarden report sla`: open the store, build the report for the period, render it."""
    if fmt not in FORMATS:
        raise SitewardenError(f"unknown format '{fmt}'", hint=f"one of {', '.join(FORMATS)}")
    if group is not None and site is not None:
        raise SitewardenError("give either --group or --site, not both")
    now = utcnow()
    period = choose_period(month, start, end, now)
    database = open_database(config.store.url)
    try:
        with database.transaction() as connection:
            report = build(
                connection, targets(config), period, group=group, site=site, now=now, maintenance=config.maintenance
            )
    finally:
        database.close()
    return render(report, fmt)
