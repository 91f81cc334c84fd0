"""Nagios plugin conventions: exit codes, `TEXT | perfdata` output, perfdata items and threshold ranges.

Plugins from Debian's monitoring-plugins, and thousands of others, speak this format; sitewarden reads it as
the Nagios plugin guidelines describe it, so a plugin's status, text and numbers arrive unchanged.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from sitewarden.results import Metric, Status

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^(@)?(?:(~|{_NUMBER})?:)?({_NUMBER})?$")
_VALUE = re.compile(rf"^({_NUMBER}|U)([^\d;]*)$")


def status_from_exit(code: int) -> Status | None:
    """The status a plugin's exit code stands for; None for codes outside 0–3 (signals, 126, 127)."""
    return Status(code) if 0 <= code <= 3 else None


@dataclass(frozen=True, slots=True)
class ThresholdRange:
    """A Nagios threshold range: `10`, `10:`, `~:10`, `10:20`, `@10:20` (alert inside when `@`)."""

    low: float
    high: float
    inside: bool = False
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> ThresholdRange:
        """Read a range as the plugin guidelines define it; raise ValueError for anything else."""
        spec = text.strip()
        match = _RANGE.match(spec)
        if not match or (match.group(2) is None and match.group(3) is None):
            raise ValueError(f"'{text}' is not a threshold range such as 10, 10:, ~:10, 10:20 or @10:20")
        inside, start, end = match.group(1) is not None, match.group(2), match.group(3)
        if ":" not in spec.lstrip("@"):
            low, high = 0.0, float(end) if end is not None else math.inf
        else:
            low = -math.inf if start == "~" else float(start) if start is not None else 0.0
            high = float(end) if end is not None else math.inf
        if low > high:
            raise ValueError(f"'{text}' is not a threshold range: the start is above the end")
        return cls(low, high, inside, spec)

    def alerts(self, value: float) -> bool:
        """True when the value should raise the alert this range guards."""
        within = self.low <= value <= self.high
        return within if self.inside else not within

    @property
    def upper(self) -> float | None:
        """The single upper limit of a plain `N`, `0:N` or `~:N` range, for Metric.warn/crit; else None."""
        if self.inside or math.isinf(self.high) or self.low not in (0.0, -math.inf):
            return None
        return self.high


@dataclass(frozen=True, slots=True)
class PerfData:
    """One perfdata item: `'label'=value[UOM];[warn];[crit];[min];[max]`."""

    label: str
    value: float | None
    unit: str = ""
    warn: ThresholdRange | None = None
    crit: ThresholdRange | None = None
    minimum: float | None = None
    maximum: float | None = None

    def metric(self) -> Metric | None:
        """As a result metric (None for an undetermined `U` value)."""
        if self.value is None:
            return None
        return Metric(
            self.label,
            self.value,
            self.unit,
            self.warn.upper if self.warn else None,
            self.crit.upper if self.crit else None,
        )

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"label": self.label, "value": self.value}
        for name, value in (("unit", self.unit), ("min", self.minimum), ("max", self.maximum)):
            if value not in ("", None):
                data[name] = value
        if self.warn is not None:
            data["warn"] = self.warn.text
        if self.crit is not None:
            data["crit"] = self.crit.text
        return data


@dataclass(slots=True)
class PluginOutput:
    """A plugin's output split as the guidelines say: first line text, long text, and all perfdata."""

    text: str
    long_text: str = ""
    perfdata: list[PerfData] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_output(output: str) -> PluginOutput:
    """Split `TEXT | PERF\\nLONG TEXT | MORE PERF\\nMORE PERF` into its parts; bad perfdata items are noted."""
    lines = output.replace("\r\n", "\n").strip("\n").split("\n") if output.strip() else [""]
    first, _, perf = lines[0].partition("|")
    rest = "\n".join(lines[1:])
    long_text, bar, more = rest.partition("|")
    perf_text = perf + (" " + more.replace("\n", " ") if bar else "")
    items, problems = parse_perfdata(perf_text)
    return PluginOutput(first.strip(), long_text.strip("\n").rstrip(), items, problems)


def parse_perfdata(text: str) -> tuple[list[PerfData], list[str]]:
    """Every perfdata item in text; an item that cannot be read is named in the second list, not raised."""
    items: list[PerfData] = []
    problems: list[str] = []
    for token in _tokens(text):
        try:
            items.append(_item(token))
        except ValueError as exc:
            problems.append(str(exc))
    return items, problems


def _tokens(text: str) -> list[str]:
    """Split on blanks, keeping single-quoted labels (with '' as an escaped quote) in one piece."""
    tokens: list[str] = []
    current = ""
    quoted = False
    index = 0
    while index < len(text):
        char = text[index]
        if char == "'":
            if quoted and text[index + 1 : index + 2] == "'":
                current += "''"
                index += 2
                continue
            quoted = not quoted
            current += char
        elif char.isspace() and not quoted:
            if current:
                tokens.append(current)
            current = ""
        else:
            current += char
        index += 1
    if current:
        tokens.append(current)
    return tokens


def _item(token: str) -> PerfData:
    label, equals, data = token.rpartition("=") if token.startswith("'") else token.partition("=")
    if not equals or not label:
        raise ValueError(f"perfdata item '{token}' has no label=value")
    if label.startswith("'") and label.endswith("'") and len(label) >= 2:
        label = label[1:-1].replace("''", "'")
    fields = data.split(";")
    match = _VALUE.match(fields[0].strip())
    if not match:
        raise ValueError(f"perfdata item '{token}' has no numeric value")
    value = None if match.group(1) == "U" else float(match.group(1))
    extra = [part.strip() for part in fields[1:5]] + [""] * (5 - len(fields))
    return PerfData(
        label=label,
        value=value,
        unit=match.group(2).strip(),
        warn=ThresholdRange.parse(extra[0]) if extra[0] else None,
        crit=ThresholdRange.parse(extra[1]) if extra[1] else None,
        minimum=_number(extra[2]),
        maximum=_number(extra[3]),
    )


def _number(text: str) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None
