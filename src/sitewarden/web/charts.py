"""Charts as inline SVG drawn on the server: no JavaScript, nothing the CSP has to allow."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from sitewarden.store.history import Bucket


def sparkline(values: Sequence[float | None], width: int = 120, height: int = 24) -> Markup:
    """A response-time line, one value per hour (oldest first); gaps where nothing ran, a tooltip per point."""
    known = [value for value in values if value is not None]
    if not known:
        return Markup(
            '<svg class="spark" width="%d" height="%d" role="img" aria-label="no data yet"><title>no data yet</title>'
            '<line class="empty" x1="3" y1="%d" x2="%d" y2="%d" /></svg>'
        ) % (width, height, height - 3, width - 3, height - 3)
    top = (max(known) or 1.0) * 1.2  # the highest point sits below the top edge, a flat line mid-box
    pad = 3.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    segments: list[list[str]] = [[]]
    dots: list[str] = []
    for index, value in enumerate(values):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        x = pad + index * step
        y = height - pad - (value / top) * (height - 2 * pad)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        ago = len(values) - 1 - index
        alone = (index == 0 or values[index - 1] is None) and (index + 1 == len(values) or values[index + 1] is None)
        # a point on a line is only a hover target (no beads along the line); a point alone is drawn
        dots.append(
            f'<circle class="{"point" if alone else "hit"}" cx="{x:.1f}" cy="{y:.1f}" r="{2.2 if alone else 3}">'
            f"<title>{escape(_hours_ago(ago))}: {value:.0f} ms</title></circle>"
        )
    lines = "".join(f'<polyline points="{" ".join(points)}" />' for points in segments if len(points) > 1)
    label = f"response time, highest {max(known):.0f} ms"
    # a dashed floor over the whole day: the hours without results read as a gap, not as an empty box
    floor = f'<line class="empty" x1="{pad:.0f}" y1="{height - 1}" x2="{width - pad:.0f}" y2="{height - 1}" />'
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}">{floor}{lines}{"".join(dots)}</svg>'
    )


def history_chart(buckets: Sequence[Bucket], width: int = 720, height: int = 120) -> Markup:
    """Status bands under a mean response-time line, one column per bucket; labelled axes below the chart.

    The span's empty buckets stay grey, so one result on a new install reads as "one run, nothing before".
    """
    if not buckets:
        return Markup('<p class="muted">No results yet.</p>')
    band = 10
    column = width / len(buckets)
    highest = max((bucket.mean_ms or 0.0) for bucket in buckets)
    top = (highest or 1.0) * 1.2  # the highest mean sits below the top edge
    parts: list[str] = []
    points: list[str] = []
    for index, bucket in enumerate(buckets):
        x = index * column
        title = escape(
            f"{bucket.start:%Y-%m-%d %H:%M} UTC: {bucket.count} runs, {bucket.ok} ok, {bucket.warning} warning, "
            f"{bucket.error} error, {bucket.unknown} unknown"
            + (f", mean {bucket.mean_ms:.0f} ms" if bucket.mean_ms is not None else "")
        )
        parts.append(
            f'<rect class="band {bucket.status}" x="{x:.1f}" y="{height - band}" width="{max(column - 1, 1):.1f}" '
            f'height="{band}"><title>{title}</title></rect>'
        )
        if bucket.mean_ms is not None:
            y = (height - band - 4) - (bucket.mean_ms / top) * (height - band - 12)
            points.append(f"{x + column / 2:.1f},{y:.1f}")
            parts.append(
                f'<rect class="hit" x="{x:.1f}" y="0" width="{max(column, 1):.1f}" height="{height - band}">'
                f"<title>{title}</title></rect>"
            )
    line = f'<polyline class="line" points="{" ".join(points)}" />' if len(points) > 1 else ""
    if len(points) == 1:
        line = _dot(points[0])
    ran = sum(bucket.count for bucket in buckets)
    axis = (
        f'<div class="axis-row"><span>{buckets[0].start:%Y-%m-%d %H:%M}</span>'
        f'<span class="muted">{ran} run{"s" if ran != 1 else ""} · mean response up to {highest:.0f} ms · grey: no data'
        f"</span><span>now (UTC)</span></div>"
    )
    return Markup(
        f'<svg class="history" viewBox="0 0 {width} {height}" preserveAspectRatio="none" role="img" '
        f'aria-label="history of {ran} runs">{"".join(parts)}{line}</svg>{axis}'
    )


def _hours_ago(hours: int) -> str:
    return "this hour" if hours == 0 else f"{hours} h ago"


def _dot(point: str) -> str:
    x, y = point.split(",")
    return f'<circle cx="{x}" cy="{y}" r="2.5" />'
