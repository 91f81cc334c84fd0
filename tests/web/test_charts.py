"""The server-drawn charts read well from the first result to a long history: no clipped dot, axes, tooltips."""

from __future__ import annotations

import re
from datetime import timedelta

from sitewarden.results import utcnow
from sitewarden.store.history import Bucket
from sitewarden.web.charts import history_chart, sparkline


def _buckets(filled: int, total: int = 48, runs: int = 1) -> list[Bucket]:
    start = utcnow() - timedelta(hours=total)
    return [
        Bucket(start + timedelta(hours=index), runs, runs, 0, 0, 0, 40.0 + index, 50.0 + index)
        if index >= total - filled
        else Bucket(start + timedelta(hours=index), 0, 0, 0, 0, 0, None, None)
        for index in range(total)
    ]


def test_a_single_value_sparkline_is_a_whole_dot_inside_the_box_with_a_tooltip() -> None:
    svg = str(sparkline([None] * 23 + [42.0]))
    [(cx, cy, r)] = re.findall(r'cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', svg)
    assert float(cx) + float(r) <= 120 and float(cx) - float(r) >= 0 and float(cy) + float(r) <= 24
    assert "<title>this hour: 42 ms</title>" in svg


def test_an_empty_sparkline_says_no_data() -> None:
    assert "no data yet" in str(sparkline([None] * 24))


def test_history_of_one_ten_and_ten_thousand_results_has_axes_gaps_and_a_tooltip_per_bucket() -> None:
    for filled, runs in ((1, 1), (10, 1), (48, 209)):  # 48 buckets of 209 runs: about 10,000 results
        html = str(history_chart(_buckets(filled, runs=runs)))
        assert html.count('class="band none"') == 48 - filled and html.count('class="band ok"') == filled
        assert html.count("<title>") == 48 + filled  # every bucket's band, and the hover area of each with data
        assert 'class="axis-row"' in html and "now (UTC)" in html and f"{filled * runs} run" in html
    assert "No results yet." in str(history_chart([]))


def test_a_sparkline_of_one_result_draws_the_day_it_belongs_to() -> None:
    svg = str(sparkline([None] * 23 + [42.0]))
    assert '<line class="empty" x1="3" y1="23" x2="117" y2="23" />' in svg  # the 24 hours, under the one dot
