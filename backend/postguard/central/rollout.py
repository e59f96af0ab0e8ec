"""Staged rollout: which published bundle a device should run.

A bundle is published to a pilot (a device group and/or a share of the fleet),
then promoted to all. Each device gets the highest version it is eligible for:

- ``all``: every device;
- ``pilot``: devices in the pilot group or whose bucket falls under the share,
  and devices central already handed it (they could not go back: rollback
  protection would refuse an older version);
- ``paused``: only devices central already handed it; nobody new.

A rollback is published straight to ``all``: it must not wait.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from .errors import StoreError

PILOT, PAUSED, ALL = "pilot", "paused", "all"
BUCKETS = 10000  # a percentage with two decimals
GROUP_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def new_bucket() -> int:
    """Random, not derived from the id: enrolling again is the only re-roll."""
    return secrets.randbelow(BUCKETS)


@dataclass(frozen=True)
class Pilot:
    group: str | None
    basis_points: int | None

    @classmethod
    def parse(cls, group: str | None, percent) -> Pilot:
        if group is not None and not GROUP_NAME.fullmatch(group):
            raise StoreError(400, "bad_group", "Group names are [a-z0-9_-], 1 to 64.")
        points = None
        if percent is not None:
            if type(percent) not in (int, float) or not 0 <= percent <= 100:
                raise StoreError(400, "bad_percent", "percent must be 0 to 100.")
            points = round(percent * BUCKETS / 100)
        if group is None and points is None:
            raise StoreError(
                400, "no_pilot", "Name a pilot group and/or percent, or send to all."
            )
        return cls(group, points)

    def includes(self, group: str | None, bucket: int) -> bool:
        if self.group is not None and group == self.group:
            return True
        return self.basis_points is not None and bucket < self.basis_points


@dataclass(frozen=True)
class Candidate:
    """What selection needs of a bundle row (no envelope bytes)."""

    version: int
    stage: str
    pilot: Pilot
    envelope_sha256: str


def choose(candidates, group: str | None, bucket: int, served: int | None):
    """The Candidate this device should run, or None; highest version first."""
    for c in sorted(candidates, key=lambda c: c.version, reverse=True):
        if c.stage == ALL:
            return c
        if served is not None and served >= c.version:
            return c
        if c.stage == PILOT and c.pilot.includes(group, bucket):
            return c
    return None
