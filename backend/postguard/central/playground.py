"""The playground: run a draft bundle over sample text an admin typed, with the
engine and policy the laptops run, and say why each candidate was kept or dropped.

The sample text lives only in this call: it is not stored, logged or echoed. The
answer holds spans (offsets the page highlights in its own copy of the text),
masked previews, the verdict and the trace of ``Engine.explain``. The scan keeps
a time budget and the regex timeouts, so a pattern typed a minute ago cannot
hold a worker: a rule that runs out of time shows as incomplete.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import Any

from ..engine import Engine
from ..policy import Policy

# The laptops' budget is the bundle's (200 ms); a traced scan does more work and
# a busy central should not report timeouts a laptop would not have.
BUDGET_MS = 2000.0


def run(
    engine: Engine,
    policy: Policy,
    text: str,
    *,
    locale: str | None,
    platform: str | None,
    draft_ids: Collection[str],
) -> dict[str, Any]:
    result, steps = engine.explain(text, locale=locale, budget_ms=BUDGET_MS)
    findings, verdict = policy.apply(
        [f.to_dict() for f in result.findings],
        platform,
        result.complete,
        engine.rule_kinds(result.omitted_rules),
    )
    return {
        "verdict": verdict,
        "mode": policy.mode,
        "findings": findings,
        "findings_omitted": result.findings_omitted,
        "complete": result.complete,
        "incomplete": result.incomplete,
        "not_run": result.not_run,
        "rules_version": result.rules_version,
        "trace": trace_view(steps, frozenset(draft_ids)),
    }


def trace_view(steps: list[dict], draft_ids: frozenset[str]) -> dict[str, Any]:
    """The explain steps for a page: each candidate with its steps and where it
    ended; each rule that ran (and every draft rule, run or not) with its rule
    steps; the other rules that did not run, counted by why."""
    candidates: dict[tuple, dict] = {}
    rules: dict[str, dict] = {}
    skipped: Counter[str] = Counter()
    for step in steps:
        rule_id = step["rule_id"]
        entry = {k: step[k] for k in ("stage", "outcome", "detail")}
        if "start" in step:
            key = (rule_id, step["start"], step["end"])
            candidate = candidates.setdefault(
                key,
                {
                    "rule_id": rule_id,
                    "draft": rule_id in draft_ids,
                    "start": step["start"],
                    "end": step["end"],
                    "preview": step["preview"],
                    "steps": [],
                },
            )
            candidate["steps"].append(entry)
            continue
        is_skip = step["stage"] == "anchors" and step["outcome"] == "skipped"
        if is_skip and rule_id not in draft_ids:
            skipped[step["detail"]] += 1
            continue
        rule = rules.setdefault(
            rule_id, {"rule_id": rule_id, "draft": rule_id in draft_ids, "steps": []}
        )
        rule["steps"].append(entry)
    for candidate in candidates.values():
        last = candidate["steps"][-1]
        candidate["outcome"] = _outcome(last)
        candidate["decided_by"] = last["stage"]
        candidate["why"] = last["detail"]
    return {
        "candidates": sorted(
            candidates.values(), key=lambda c: (c["start"], c["end"], c["rule_id"])
        ),
        "rules": list(rules.values()),
        "not_run": [{"reason": why, "rules": n} for why, n in skipped.most_common()],
    }


def _outcome(last: dict) -> str:
    """reported (a finding), dropped, or kept (past its checks; a later stage
    of the scan did not get to it, as when the budget ran out)."""
    if last["stage"] == "cap" and last["outcome"] == "listed":
        return "reported"
    return "dropped" if last["outcome"] == "dropped" else "kept"
