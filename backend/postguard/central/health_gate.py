"""The rollout health gate: a pilot whose devices block or fail many more scans
than the fleet did on the rules before is paused, and promoting it needs force.

Rates come from the ``scans`` telemetry rows of the last ``WINDOW_DAYS``: the
pilot version's against the baseline's (the newest version that went to all, or
unsigned rules when none has). The gate judges only once the pilot has
``min_scans`` scans and the baseline as many, so a handful of scans on a quiet
morning cannot trip it, and a fleet with no history is not held against zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import TelemetryRow
from .models import utcnow

WINDOW_DAYS = 7
BLOCK_RATE, ERROR_RATE = "block_rate", "error_rate"
HELD = (BLOCK_RATE, ERROR_RATE)
OVERRIDDEN = "overridden"  # an admin resumed the pilot past the gate


@dataclass(frozen=True)
class Thresholds:
    min_scans: int = 200
    block_jump: float = 0.05  # absolute: 2% before, past 7% after trips it
    error_jump: float = 0.02


@dataclass(frozen=True)
class Rates:
    scans: int
    blocks: int
    failed: int

    @property
    def block_rate(self) -> float:
        return self.blocks / self.scans if self.scans else 0.0

    @property
    def error_rate(self) -> float:
        return self.failed / self.scans if self.scans else 0.0

    def describe(self) -> dict:
        return {
            "scans": self.scans,
            "block_rate": round(self.block_rate, 4),
            "error_rate": round(self.error_rate, 4),
        }


def rates(s: Session, version: int | None) -> Rates:
    since = utcnow().date() - timedelta(days=WINDOW_DAYS)
    row = TelemetryRow
    if version is None:
        matches = row.bundle_version.is_(None)
    else:
        matches = row.bundle_version == version
    scans, blocks, failed = s.execute(
        select(
            func.coalesce(func.sum(row.scans), 0),
            func.coalesce(
                func.sum(case((row.verdict == "block", row.scans), else_=0)), 0
            ),
            func.coalesce(func.sum(row.failed), 0),
        ).where(row.kind == "scans", row.day >= since, matches)
    ).one()
    return Rates(int(scans), int(blocks), int(failed))


def judge(pilot: Rates, baseline: Rates, limits: Thresholds) -> str | None:
    """The reason to hold the pilot, or None."""
    if pilot.scans < limits.min_scans or baseline.scans < limits.min_scans:
        return None
    if pilot.block_rate - baseline.block_rate > limits.block_jump:
        return BLOCK_RATE
    if pilot.error_rate - baseline.error_rate > limits.error_jump:
        return ERROR_RATE
    return None


def explain(reason: str, pilot: Rates, baseline: Rates) -> str:
    """One line for the audit log and the admin: rates only."""
    if reason == BLOCK_RATE:
        now, before = pilot.block_rate, baseline.block_rate
        what = "blocked"
    else:
        now, before = pilot.error_rate, baseline.error_rate
        what = "failed"
    return (
        f"{now:.1%} of {pilot.scans} pilot scans {what}, "
        f"against {before:.1%} of {baseline.scans} before"
    )
