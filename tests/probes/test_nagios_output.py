from __future__ import annotations

import pytest

from sitewarden.probes.nagios_output import ThresholdRange, parse_output, parse_perfdata, status_from_exit
from sitewarden.results import Status


@pytest.mark.parametrize(
    ("text", "alerting", "quiet"),
    [
        ("10", [-1, 10.5, 11], [0, 5, 10]),
        ("10:", [-1, 9.9], [10, 11, 1e9]),
        ("~:10", [10.1, 100], [-1e9, 0, 10]),
        ("10:20", [9, 21], [10, 15, 20]),
        ("@10:20", [10, 15, 20], [9, 21]),
    ],
)
def test_threshold_ranges_alert_as_the_plugin_guidelines_say(
    text: str, alerting: list[float], quiet: list[float]
) -> None:
    limit = ThresholdRange.parse(text)
    assert [value for value in alerting if limit.alerts(value)] == alerting
    assert [value for value in quiet if limit.alerts(value)] == []


@pytest.mark.parametrize("text", ["", "abc", "20:10", "1:2:3", ":"])
def test_malformed_threshold_range_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="threshold range"):
        ThresholdRange.parse(text)


def test_plain_upper_limits_become_metric_thresholds() -> None:
    assert ThresholdRange.parse("10").upper == 10
    assert ThresholdRange.parse("~:5").upper == 5
    assert ThresholdRange.parse("10:20").upper is None
    assert ThresholdRange.parse("@0:5").upper is None


def test_perfdata_with_quoted_labels_units_and_thresholds_is_parsed() -> None:
    items, problems = parse_perfdata("'time to first byte'=0.25s;1;2;0;10 size=1024B;;;0 'it''s'=3 free=U")
    assert problems == []
    assert [item.label for item in items] == ["time to first byte", "size", "it's", "free"]
    first = items[0]
    assert (first.value, first.unit, first.minimum, first.maximum) == (0.25, "s", 0.0, 10.0)
    assert first.warn is not None and first.warn.high == 1.0
    metric = first.metric()
    assert metric is not None and (metric.warn, metric.crit) == (1.0, 2.0)
    assert items[1].warn is None and items[1].minimum == 0.0
    assert items[3].value is None and items[3].metric() is None


def test_bad_perfdata_item_is_reported_not_raised() -> None:
    items, problems = parse_perfdata("good=1 novalue bad=x;1 worse=2;abc")
    assert [item.label for item in items] == ["good"]
    assert len(problems) == 3


def test_output_splits_text_long_text_and_perfdata_over_several_lines() -> None:
    output = parse_output(
        "DISK OK - free space | /=2643MB;5948;5958;0;5968\n/ 15272 MB\n/boot 68 MB | /boot=68MB;88;93\n/home=69357MB"
    )
    assert output.text == "DISK OK - free space"
    assert output.long_text == "/ 15272 MB\n/boot 68 MB"
    assert [item.label for item in output.perfdata] == ["/", "/boot", "/home"]


def test_exit_codes_map_to_statuses_and_others_to_none() -> None:
    assert [status_from_exit(code) for code in range(4)] == [Status.OK, Status.WARNING, Status.ERROR, Status.UNKNOWN]
    assert status_from_exit(127) is None
    assert status_from_exit(-9) is None
