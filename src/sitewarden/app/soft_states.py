"""How a soft (not yet confirmed) state reads, the same in `status`, `run --once`, the demo and the dashboard.

"error (soft, 1 of 3)": the latest result says error, and it is the first of the three non-ok results in a row
that confirm it (the check's `failure_threshold`; `success_threshold` counts the way back to ok).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sitewarden.config.models import Config, Defaults
from sitewarden.results import Status


@dataclass(frozen=True, slots=True)
class Thresholds:
    """(failure, success) thresholds of the checks that set their own, and the defaults every other check uses."""

    by_key: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    default: tuple[int, int] = (Defaults().failure_threshold, Defaults().success_threshold)

    def of(self, key: str) -> tuple[int, int]:
        return self.by_key.get(key, self.default)


DEFAULT_THRESHOLDS = Thresholds()


def config_thresholds(config: Config) -> Thresholds:
    """The thresholds of the config file's plan; only those that differ from the defaults are kept (small)."""
    from sitewarden.config.plan import plan_checks

    default = (config.defaults.failure_threshold, config.defaults.success_threshold)
    own = {spec.key: (spec.failure_threshold, spec.success_threshold) for spec in plan_checks(config)}
    return Thresholds({key: pair for key, pair in own.items() if pair != default}, default)


def soft_label(current: Status | None, hard: Status | None, attempts: int, thresholds: tuple[int, int]) -> str:
    """ "soft, 1 of 3" while the latest status is not yet the confirmed one, else ""."""
    if current is None or current is hard or not attempts:
        return ""
    failure, success = thresholds
    return f"soft, {attempts} of {success if current is Status.OK else failure}"


def current_status(row: Mapping[str, Any]) -> Status | None:
    """The status of a state row's latest result, soft or confirmed; None for a check that has not run."""
    if row.get("last_status") is not None:
        return Status(row["last_status"])
    return Status(row["hard_status"]) if row.get("hard_status") is not None else None


def soft_state(row: Mapping[str, Any], thresholds: tuple[int, int]) -> tuple[str, str]:
    """(current status label or "pending", soft label) of a state row, as `status` shows them."""
    current = current_status(row)
    hard = Status(row["hard_status"]) if row.get("hard_status") is not None else None
    label = soft_label(current, hard, int(row.get("attempts") or 0), thresholds)
    return (current.label if current is not None else "pending"), label
