"""One decision for a draft: the engine's findings, the context guards' and the
policy's actions and verdict. POST /api/v1/scan and ``postguard scan --policy``
both call ``decide``, so an admin trying a policy on the command line sees what
the service would do. An image's findings (POST /api/v1/image, ``postguard scan
--image``) go through ``decide(..., attachment=True)``: the policy's
``attachments`` section first, and no context guard (they read typed text).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .engine.guards import GuardData
from .engine.guards import context_findings
from .paragraph_cache import cap_findings
from .policy import Policy


@lru_cache(maxsize=4)
def _guards_of(bundle_bytes: bytes) -> GuardData | None:
    return GuardData.from_bundle(json.loads(bundle_bytes))


def guard_data(engine) -> GuardData | None:
    """The bundle's guards, compiled once per bundle (None for an older bundle)."""
    return _guards_of(engine.bundle_bytes)


@dataclass(frozen=True)
class Decision:
    findings: list[dict]  # with their actions, at most max_findings
    verdict: str
    omitted: int = 0  # guard findings past max_findings (the verdict counts them)


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
    max_findings: int | None = None,
    attachment: bool = False,
) -> Decision:
    """Findings with their actions, and the verdict. ``findings``: the engine's,
    as dicts, already capped; ``today``: the local date (default: today's);
    ``groups``: the device's own (the context's join them). With the guards'
    findings added, the list keeps to ``max_findings`` as the engine's does:
    the most severe, and the rest counted for the verdict. ``attachment``: the
    findings are an image's (``text`` is then unused)."""
    extra: list[dict] = []
    if not attachment:  # the guards read typed text and its context
        extra = context_findings(
            text,
            context=context,
            policy_data=policy.data,
            guard_data=guards,
            platform=platform,
            today=today or datetime.date.today(),
            groups=groups,
        )
    listed, cut = [*findings, *extra], []
    if max_findings is not None:
        listed, cut = cap_findings(listed, max_findings)
    unlisted = [
        *unlisted,
        *({k: f[k] for k in ("rule_id", "category", "severity")} for f in cut),
    ]
    audience = (context or {}).get("audience")
    decided, verdict = policy.apply(
        listed, platform, complete, unlisted, audience=audience, attachment=attachment
    )
    return Decision(decided, verdict, len(cut))
