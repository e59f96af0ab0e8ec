"""Context guards: who a draft talks to, about whom, and when (issue 14).

    guards = GuardData.from_bundle(bundle)  # the bundle's guards and term_fold
    context_findings(text, context={...}, policy_data=policy.data,
                     guard_data=guards, platform="x", today="2026-12-02",
                     groups=["finance"])

Pure: the organisation's names, handles and quiet periods come from the policy
(``organization``, ``quiet_periods``), the word lists from the bundle. With no
``organization`` in the policy nothing runs. Findings are dicts shaped like the
engine's, with ``target`` (a context target not in the text, at 0-0) and
``suggestion`` (the disclosure to add) where they apply; previews are masked.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import regex

from ..hashed_terms import Fold
from ..mask import masked_preview
from .disclosure import undisclosed_mention
from .handles import HandleRules
from .handles import impostor_spans
from .quiet_period import active_window
from .quiet_period import results_mention
from .words import names_pattern
from .words import words_pattern

__all__ = ["RULE_IDS", "GuardData", "context_findings"]

CATEGORY = "context"
# The guards' rule ids: known to the events endpoint and to `simulate`.
RULE_IDS = frozenset({"impostor-handle", "affiliation-disclosure", "quiet-period"})


@dataclass(frozen=True)
class GuardData:
    """The bundle's ``guards`` section, compiled once per bundle."""

    window: int
    policy_url: str
    messages: Mapping[str, str]
    endorsement: regex.Pattern[str]
    financial: regex.Pattern[str]
    disclosure_words: tuple[str, ...]
    suggest: str
    handles: HandleRules

    @classmethod
    def from_bundle(cls, bundle: Mapping[str, Any]) -> GuardData | None:
        """None when the bundle carries no guards (an older bundle)."""
        data = bundle.get("guards")
        if not data or "term_fold" not in bundle:
            return None
        return cls.from_data(data, Fold(bundle["term_fold"]))

    @classmethod
    def from_data(cls, data: Mapping[str, Any], fold: Fold) -> GuardData:
        return cls(
            int(data["window_words"]),
            str(data["policy_url"]),
            dict(data["messages"]),
            regex.compile(data["endorsement"]["pattern"]),
            regex.compile(data["financial"]["pattern"]),
            tuple(data["disclosure"]["words"]),
            str(data["disclosure"]["suggest"]),
            HandleRules.from_data(data["handles"], fold),
        )


@dataclass(frozen=True)
class _Org:
    """What one policy's ``organization`` compiles to."""

    name: str  # how messages call it: the first name listed
    names: regex.Pattern[str] | None
    disclosures: regex.Pattern[str]
    suggestion: str
    handles: Mapping[str, list[str]]


@lru_cache(maxsize=16)
def _compile_org(key: str, general: tuple[str, ...], suggest: str) -> _Org:
    org = json.loads(key)
    names = [*org.get("names", []), *org.get("products", [])]
    tickers = org.get("tickers", [])
    pattern = names_pattern(names, tickers)
    own = org.get("disclosure") or []
    return _Org(
        name=(names or tickers or [""])[0],
        names=regex.compile(pattern) if pattern else None,
        disclosures=regex.compile(words_pattern([*general, *own])),
        suggestion=own[0] if own else suggest,
        handles=org.get("handles") or {},
    )


def _finding(
    rule_id: str,
    kind: str,
    severity: str,
    span: tuple[int, int],
    value: str,
    message: str,
    url: str,
) -> dict[str, Any]:
    return {
        "rule_id": rule_id,
        "category": CATEGORY,
        "type": kind,
        "severity": severity,
        "start": span[0],
        "end": span[1],
        "score": 0.9,
        "preview": masked_preview(value),
        "message": message,
        "policy_url": url,
    }


def context_findings(
    text: str,
    *,
    context: Mapping[str, Any] | None,
    policy_data: Mapping[str, Any],
    guard_data: GuardData | None,
    platform: str | None,
    today: date | str,
    groups: Collection[str] = (),
) -> list[dict[str, Any]]:
    """The guards' findings for ``text``. ``groups``: the device's own groups
    (service config), joined with the context's; ``today``: the local date."""
    organization = policy_data.get("organization")
    if not organization or guard_data is None:
        return []
    context = context or {}
    g = guard_data
    org = _compile_org(json.dumps(organization), g.disclosure_words, g.suggest)
    found = []
    for start, end, handle, target, official in impostor_spans(
        text, context.get("targets") or (), org.handles, platform, g.handles
    ):
        finding = _finding(
            "impostor-handle",
            "IMPOSTOR_HANDLE",
            "high",
            (start, end),
            handle,
            g.messages["impostor"].format(official=official),
            g.policy_url,
        )
        if target is not None:
            finding["target"] = target
        found.append(finding)
    if org.names is None:
        return found
    day = today.isoformat() if isinstance(today, date) else str(today)
    all_groups = {*groups, *(context.get("groups") or ())}
    window = active_window(policy_data.get("quiet_periods") or (), day, all_groups)
    if window is not None:
        mention = results_mention(text, org.names, g.financial, g.window)
        if mention is not None:
            message = g.messages["quiet_period"].format(
                window=window["name"], end=window["end"], name=org.name
            )
            found.append(
                _finding(
                    "quiet-period",
                    "QUIET_PERIOD",
                    "critical",
                    mention.span(),
                    mention.group(),
                    message,
                    g.policy_url,
                )
            )
    mention = undisclosed_mention(
        text, org.names, g.endorsement, org.disclosures, g.window
    )
    if mention is not None:
        message = g.messages["disclosure"].format(
            name=org.name, disclosure=org.suggestion
        )
        finding = _finding(
            "affiliation-disclosure",
            "UNDISCLOSED_AFFILIATION",
            "low",
            mention.span(),
            mention.group(),
            message,
            g.policy_url,
        )
        finding["suggestion"] = {"kind": "append", "text": org.suggestion}
        found.append(finding)
    return found
