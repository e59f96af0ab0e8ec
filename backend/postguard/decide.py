"""One decision for a draft: the engine's findings, the context guards' and the
policy's actions and verdict. POST /api/v1/scan and ``postguard scan --policy``
both call ``decide``, so an admin trying a policy on the command line sees what
the service would do.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .engine.guards import GuardData
from .engine.guards import context_findings
from .policy import Policy


@lru_cache(maxsize=4)
def _guards_of(bundle_bytes: bytes) -> GuardData | None:
    return GuardData.from_bundle(json.loads(bundle_bytes))


def guard_data(engine) -> GuardData | None:
    """The bundle's guards, compiled once per bundle (None for an older bundle)."""
    return _guards_of(engine.bundle_bytes)


def decide(
    text: str,
    findings: list[dict],
    *,
    complete: bool,
    unlisted: Iterable[dict] = (),
    policy: Policy,
    guards: GuardData | None,
    platform: str | None,
    context: Mapping[str, Any] | None = None,
    today: datetime.date | None = None,
    groups: Collection[str] = (),
) -> tuple[list[dict], str]:
    """Findings with their actions, and the verdict. ``findings``: the engine's,
    as dicts; ``today``: the local date (default: today's); ``groups``: the
    device's own (the context's join them)."""
    extra = context_findings(
        text,
        context=context,
        policy_data=policy.data,
        guard_data=guards,
        platform=platform,
        today=today or datetime.date.today(),
        groups=groups,
    )
    audience = (context or {}).get("audience")
    return policy.apply(
        [*findings, *extra], platform, complete, unlisted, audience=audience
    )
