"""The SLA report as a PDF for customers: a cover page with the groups, then one page per site (ReportLab, offline).

ReportLab ships its standard fonts, so rendering needs no network and no system fonts.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sitewarden.app.sla import SiteSla, SlaReport
from sitewarden.app.sla_formats import duration, percent

GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf1")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b8c4")),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def render_pdf(report: SlaReport) -> bytes:
    """A4 pages: the period's groups against their targets, then each site's figures, outages, expiry, security."""
    out = io.BytesIO()
    styles = getSampleStyleSheet()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"SLA report {report.start:%Y-%m-%d} to {report.end:%Y-%m-%d}",
        author="sitewarden",
        invariant=True,
    )
    story: list[Any] = [*_cover(report, styles)]
    for site in report.sites:
        story += [PageBreak(), *_site_page(report, site, styles)]
    document.build(story)
    return out.getvalue()


def _period(report: SlaReport) -> str:
    return f"{report.start:%Y-%m-%d} – {report.end:%Y-%m-%d} (UTC, end exclusive)"


def _cover(report: SlaReport, styles: Any) -> list[Any]:
    story: list[Any] = [Paragraph("Availability report", styles["Title"]), Paragraph(_period(report), styles["Normal"])]
    story.append(Spacer(1, 6 * mm))
    if report.groups:
        rows = [["group", "availability", "target", "met", "outages", "downtime", "budget left"]]
        for group in report.groups:
            left = group.figures.budget_left_s(group.target) if group.target is not None else None
            met = {True: "yes", False: "NO", None: "—"}[group.met]
            target = f"{group.target}%" if group.target is not None else "—"
            rows.append(
                [
                    group.name,
                    percent(group.figures.availability),
                    target,
                    met,
                    str(group.figures.outage_count),
                    duration(group.figures.down_s),
                    duration(left),
                ]
            )
        story += [Paragraph("Groups", styles["Heading2"]), _table(rows), Spacer(1, 4 * mm)]
    rows = [["site", "availability", "outages", "downtime", "MTTR", "excluded"]]
    for site in report.sites:
        shown = "paused" if site.figures.paused else percent(site.figures.availability)
        figures = site.figures
        rows.append(
            [
                site.name,
                shown,
                str(figures.outage_count),
                duration(figures.down_s),
                duration(figures.mttr_s),
                duration(figures.excluded_s),
            ]
        )
    story += [Paragraph("Sites", styles["Heading2"]), _table(rows)]
    return story


def _site_page(report: SlaReport, site: SiteSla, styles: Any) -> list[Any]:
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=8, leading=10)
    figures = site.figures
    target = f", target {site.target}%" if site.target is not None else ""
    story: list[Any] = [
        Paragraph(f"Site {site.name}", styles["Heading1"]),
        Paragraph(f"{_period(report)}; groups: {', '.join(site.groups) or '—'}{target}", small),
        Spacer(1, 3 * mm),
    ]
    p = site.percentiles
    rows = [["", "availability", "outages", "downtime", "MTTR", "excluded", "p50 / p95 / p99 ms"]]
    rows.append(
        [
            "site",
            "paused" if figures.paused else percent(figures.availability),
            str(figures.outage_count),
            duration(figures.down_s),
            duration(figures.mttr_s),
            duration(figures.excluded_s),
            " / ".join(str(p.get(name, "—")) for name in ("p50", "p95", "p99")),
        ]
    )
    for check in site.checks:
        c = check.figures
        rows.append(
            [
                f"{check.name} ({check.kind})",
                "paused" if c.paused else percent(c.availability),
                str(c.outage_count),
                duration(c.down_s),
                duration(c.mttr_s),
                duration(c.excluded_s),
                " / ".join(str(check.percentiles.get(name, "—")) for name in ("p50", "p95", "p99")),
            ]
        )
    story += [_table(rows), Spacer(1, 3 * mm), Paragraph("Daily availability", styles["Heading3"]), _chart(site)]
    story.append(Paragraph("Outages", styles["Heading3"]))
    if figures.outages:
        outages: list[list[Any]] = [["start", "end", "counted", "excluded", "cause"]]
        for outage in figures.outages:
            end = "ongoing" if outage.ongoing else f"{outage.end:%Y-%m-%d %H:%M}"
            cause = Paragraph(outage.cause[:200], small)
            counted, hidden = duration(outage.counted_s), duration(outage.excluded_s)
            outages.append([f"{outage.start:%Y-%m-%d %H:%M}", end, counted, hidden, cause])
        story.append(_table(outages, widths=[30 * mm, 30 * mm, 20 * mm, 24 * mm, 74 * mm]))
    else:
        story.append(Paragraph("No outages in this period.", small))
    if site.windows:
        story.append(Paragraph("Excluded time: maintenance windows and planned work", styles["Heading3"]))
        windows = [["start", "end", "reason"]]
        windows += [[f"{low:%Y-%m-%d %H:%M}", f"{high:%Y-%m-%d %H:%M}", reason] for low, high, reason in site.windows]
        story.append(_table(windows))
    story.append(Paragraph("Certificate and domain expiry", styles["Heading3"]))
    if site.expiries:
        expiries: list[list[Any]] = [["check", "kind", "days left", "summary"]]
        for item in site.expiries:
            days = f"{item.days_left:.0f}" if item.days_left is not None else "—"
            expiries.append([item.check, item.kind, days, Paragraph(item.summary[:200], small)])
        story.append(_table(expiries, widths=[36 * mm, 20 * mm, 18 * mm, 104 * mm]))
    else:
        story.append(Paragraph("No certificate or domain checks.", small))
    story.append(Paragraph("Open security findings", styles["Heading3"]))
    if site.security:
        findings: list[list[Any]] = [["component", "fix", "advisories"]]
        for item in site.security:
            advisories = Paragraph(", ".join(item.advisories[:6]), small)
            findings.append([Paragraph(item.title, small), Paragraph(item.fix, small), advisories])
        story.append(_table(findings, widths=[60 * mm, 60 * mm, 58 * mm]))
    else:
        story.append(Paragraph("No open security findings.", small))
    return story


def _table(rows: list[list[Any]], widths: list[float] | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(GRID)
    return table


def _chart(site: SiteSla) -> Drawing:
    """One bar per day: the day's availability in percent, from the lowest seen (at most 90 %) to 100 %."""
    drawing = Drawing(178 * mm, 48 * mm)
    values = [value * 100 if value is not None else 0.0 for _, value in site.daily]
    if not values:
        drawing.add(String(0, 20, "no days in this period", fontSize=8))
        return drawing
    chart = VerticalBarChart()
    chart.x, chart.y = int(12 * mm), int(8 * mm)
    chart.width, chart.height = int(162 * mm), int(36 * mm)
    chart.data = [values]
    low = min([90.0, *[value for value in values if value > 0]])
    chart.valueAxis.valueMin = float(int(low))
    chart.valueAxis.valueMax = 100.0
    chart.valueAxis.labels.fontSize = 6
    chart.categoryAxis.categoryNames = [f"{day:%d}" for day, _ in site.daily]
    chart.categoryAxis.labels.fontSize = 5
    chart.bars[0].fillColor = colors.HexColor("#3b7d4f")
    chart.bars[0].strokeColor = None
    for index, value in enumerate(values):
        if value < 99.9:
            chart.bars[(0, index)].fillColor = colors.HexColor("#c0392b")
    drawing.add(chart)
    return drawing
