"""Charts as inline SVG drawn on the server: no JavaScript, nothing the CSP has to allow."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from sitewarden.store.history import Bucket


def sparkline(values: Sequence[float | None], width: int = 120, height: int = 24) -> Markup:
    """A response-time line; gaps where nothing ran."""
    known = [value for value in values if value is not None]
    if not known:
        return Markup('<svg class="spark" width="%d" height="%d" role="img" aria-label="no data"></svg>') % (
            width,
            height,
        )
    top = max(known) or 1.0
    step = width / max(len(values) - 1, 1)
    segments: list[list[str]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        y = height - 2 - (value / top) * (height - 4)
        segments[-1].append(f"{index * step:.1f},{y:.1f}")
    lines = "".join(
        f'<polyline points="{" ".join(points)}" />' if len(points) > 1 else _dot(points[0])
        for points in segments
        if points
    )
    label = f"response time, highest {top:.0f} ms"
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}">{lines}</svg>'
    )


def history_chart(buckets: Sequence[Bucket], width: int = 720, height: int = 120) -> Markup:
    """Status bands under a mean response-time line, one column per bucket."""
    if not buckets:
        return Markup("")
    band = 10
    column = width / len(buckets)
    top = max((bucket.mean_ms or 0.0) for bucket in buckets) or 1.0
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
    line = f'<polyline class="line" points="{" ".join(points)}" />' if len(points) > 1 else ""
    if len(points) == 1:
        line = _dot(points[0])
    axis = f'<text class="axis" x="2" y="10">{top:.0f} ms</text>'
    return Markup(
        f'<svg class="history" viewBox="0 0 {width} {height}" preserveAspectRatio="none" role="img" '
        f'aria-label="history">{axis}{"".join(parts)}{line}</svg>'
    )


def _dot(point: str) -> str:
    x, y = point.split(",")
    return f'<circle cx="{x}" cy="{y}" r="1.5" />'
