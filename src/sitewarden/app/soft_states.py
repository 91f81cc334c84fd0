"""How a soft (not yet confirmed) state reads, the same in `status`, `run --once`, the demo and the dashboard.

"error (soft, 1 of 3)": the latest result says error, and it is the first of the three non-ok results in a row
that confirm it (the check's `failure_threshold`; `success_threshold` counts the way back to ok). The thresholds
are stored with each check row, so a reader needs neither the config file nor its plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sitewarden.config.models import Config, Defaults
from sitewarden.results import Status


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Reads a check row's (failure, success) thresholds, stored with the check by the engine's sync; rows synced
    before the store kept them fall back to `default` (the config's `defaults`)."""

    default: tuple[int, int] = (Defaults().failure_threshold, Defaults().success_threshold)

    def of(self, row: Mapping[str, Any]) -> tuple[int, int]:
        failure, success = row.get("failure_threshold"), row.get("success_threshold")
        return (
            int(failure) if failure is not None else self.default[0],
            int(success) if success is not None else self.default[1],
        )


DEFAULT_THRESHOLDS = Thresholds()


def default_thresholds(config: Config) -> Thresholds:
    """The config's default thresholds, for rows without their own (no plan of the checks needed)."""
    return Thresholds((config.defaults.failure_threshold, config.defaults.success_threshold))


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
