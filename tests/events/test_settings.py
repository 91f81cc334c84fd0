"""Notification config: bad values are FILE:LINE errors at load, schedules and windows parse as written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sitewarden.config.loader import parse_config
from sitewarden.errors import ConfigErrors
from sitewarden.events.calendar import parse_recurrence
from sitewarden.events.channels import channel_matches
from sitewarden.events.maintenance import window_active

HANDLER = "{kind: file, path: /tmp/x.jsonl}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "targets:\n  - name: a\n    handlers: [{kind: emial, to: [a@b]}]\n",
            "unknown handler kind 'emial' (did you mean 'email'?)",
        ),
        (
            f"targets:\n  - name: a\n    match: {{min_severity: loud}}\n    handlers: [{HANDLER}]\n",
            "'loud' is not a severity",
        ),
        (
            f"targets:\n  - name: a\n    match: {{types: [outage]}}\n    handlers: [{HANDLER}]\n",
            "'outage' is not an event type",
        ),
        (
            f"targets:\n  - {{name: a, handlers: [{HANDLER}]}}\n  - {{name: a, handlers: [{HANDLER}]}}\n",
            "target name 'a' is used twice",
        ),
        ("maintenance:\n  - {sites: [shop], every: 'sun 25:00', duration: 2h}\n", "'25:00' is not a time of day"),
        ("maintenance:\n  - {sites: [shop], every: 'sunday-ish 02:00', duration: 2h}\n", "is not a day"),
        ("maintenance:\n  - {sites: [shop], duration: 2h}\n", "give either 'every' (recurring) or 'start' (once)"),
        ("maintenance:\n  - {every: 'sun 02:00', duration: 2h, timezone: Mars/Olympus}\n", "not a known time zone"),
        ("targets:\n  - name: a\n    handlers: [{kind: syslog, address: 'udp://h'}]\n", "needs a host and a port"),
    ],
)
def test_bad_notification_config_is_reported_with_its_line(text: str, expected: str) -> None:
    with pytest.raises(ConfigErrors) as caught:
        parse_config(text, "bad.yaml")
    message = str(caught.value)
    assert message.startswith("bad.yaml:") and expected in message


def test_recurrence_finds_the_last_and_next_start() -> None:
    sunday = parse_recurrence("sun 02:00")
    monday = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
    assert sunday.last_start(monday) == datetime(2030, 1, 6, 2, 0, tzinfo=UTC)
    assert sunday.next_start(monday) == datetime(2030, 1, 13, 2, 0, tzinfo=UTC)
    assert parse_recurrence("mon-fri 22:00").days == frozenset(range(5))
    assert parse_recurrence("fri-mon 22:00").days == frozenset({4, 5, 6, 0})


def test_recurring_window_in_a_time_zone() -> None:
    config = parse_config("maintenance:\n  - {every: 'sun 02:00', duration: 2h, timezone: Europe/Berlin}\n")
    window = config.maintenance[0]
    assert window_active(window, datetime(2030, 1, 6, 1, 30, tzinfo=UTC))  # 02:30 in Berlin
    assert not window_active(window, datetime(2030, 1, 6, 3, 30, tzinfo=UTC))


def test_channels_match_by_wildcard_or_as_parents() -> None:
    assert channel_matches("site.shop", "site.shop.web")
    assert not channel_matches("site.shop", "site.shopping.web")
    assert channel_matches("site.*.tls", "site.blog.tls")
    assert not channel_matches("site.*.tls", "site.blog.web")
