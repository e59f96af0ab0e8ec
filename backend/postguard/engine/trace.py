"""Why a scan found what it found, and why not: ``postguard scan --explain``.

A ``Trace`` collects, for every rule, whether it ran (its anchors), and for every
candidate its pattern proposed, the stage that kept or dropped it: the builtin
matcher, a validator, an allowlist, context, the score threshold, an overlap with
another finding, the findings cap. Values appear only as masked previews, spans
as offsets into the original text. The scan fills a trace only when given one;
without, it costs nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .allow import Allowlist
from .allow import canonical
from .mask import masked_preview

if TYPE_CHECKING:
    from collections.abc import Collection
    from collections.abc import Sequence

    from .normalize import Normalized
    from .plan import ScanPlan
    from .result import NotRun
    from .ruleset import CompiledBundle
    from .ruleset import CompiledRule
    from .scanner import Candidate

Span = tuple[int, int]


@dataclass(frozen=True)
class Step:
    rule_id: str
    # anchors, gate, pattern, builtin, validator, allow, context, score, escalate,
    # overlap, cap
    stage: str
    outcome: str  # skipped, ran, shared, dropped, kept, listed
    detail: str
    start: int | None = None
    end: int | None = None
    preview: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class Trace:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self._norm: Normalized | None = None

    def begin(self, norm: Normalized) -> None:
        self._norm = norm

    def rule(self, rule_id: str, stage: str, outcome: str, detail: str) -> None:
        self.steps.append(Step(rule_id, stage, outcome, detail))

    def span(
        self, rule_id: str, start: int, end: int, stage: str, outcome: str, detail: str
    ) -> None:
        """A candidate at ``start:end`` of the normalised text."""
        assert self._norm is not None
        first, last = self._norm.span_to_original(start, end)
        preview = masked_preview(self._norm.text[start:end])
        self.steps.append(Step(rule_id, stage, outcome, detail, first, last, preview))

    def to_list(self) -> list[dict[str, object]]:
        return [step.to_dict() for step in self.steps]


def failing_validator(rule: CompiledRule, value: str) -> str:
    """The first validator ``value`` fails (shrunk values fail too)."""
    for check in rule.validators:
        if not check.module.validate(value, check.params):
            cut = " (and on every shorter cut)" if rule.shrink else ""
            return f"fails the {check.module.NAME} check{cut}"
    return "fails a check"


def allow_reason(allowlist: Allowlist, value: str) -> str:
    """Which kind of entry of ``allowlist`` lets ``value`` through."""
    if allowlist.values and canonical(value) in allowlist.values:
        return "a listed value"
    lowered = value.lower()
    for word in allowlist.stopwords:
        if word in lowered:
            return f"the stopword {word!r}"
    for number, pattern in enumerate(allowlist.patterns, start=1):
        if pattern.fullmatch(value, timeout=0.05):
            return f"pattern {number}"
    return "an entry"


def anchors_of(
    rule: CompiledRule, hits: dict[str, list[int]], longest_run: int
) -> tuple[bool, str]:
    """Whether the rule runs on this text, and the anchors that decide it."""
    if rule.keywords:
        present = [k for k in rule.keywords if k in hits]
        if not present:
            return False, "none of its keywords occurs"
        if rule.min_digits and longest_run < rule.min_digits:
            return False, f"no digit run of {rule.min_digits} digits"
        places = sum(len(hits[k]) for k in present)
        return True, f"keyword(s) {', '.join(map(repr, present))} at {places} place(s)"
    if rule.min_digits:
        if longest_run < rule.min_digits:
            return False, f"no digit run of {rule.min_digits} or more digits"
        return True, f"digit runs of {rule.min_digits} or more digits"
    return True, "no anchors: searched over the whole text"


def trace_pattern(
    trace: Trace,
    rule: CompiledRule,
    spans: list[Span],
    proposed: list[Span],
    timed_out: bool,
) -> list[Span]:
    late = ", then ran out of time" if timed_out else ""
    trace.rule(rule.id, "pattern", "ran", f"{len(spans)} match(es){late}")
    if rule.builtin is not None:
        for start, end in spans:
            if not any(start <= s < end or s <= start < e for s, e in proposed):
                why = f"{rule.builtin.NAME} finds nothing valid in it"
                trace.span(rule.id, start, end, "builtin", "dropped", why)
    return proposed


def trace_score(
    trace: Trace,
    bundle: CompiledBundle,
    rule: CompiledRule,
    text: str,
    span: Span,
    score: int | None,
    dropped_by: str,
) -> None:
    start, end = span
    value = text[start:end]
    minimum = bundle.defaults["min_score"]
    if dropped_by in ("allow", "global allow"):
        own = dropped_by == "allow"
        entry = allow_reason(rule.allow if own else bundle.allow, value)
        whose = "the rule's" if own else "the global"
        why = f"{whose} allowlist lets it through ({entry})"
        trace.span(rule.id, start, end, "allow", "dropped", why)
    elif dropped_by == "context":
        assert rule.context is not None
        why = f"no context word within {rule.context.window} characters (required)"
        trace.span(rule.id, start, end, "context", "dropped", why)
    elif score is not None and score < round(minimum * 100):
        why = f"score {score / 100:.2f} is below min_score {minimum:.2f}"
        trace.span(rule.id, start, end, "score", "dropped", why)
    elif score is not None:
        trace.span(rule.id, start, end, "score", "kept", f"score {score / 100:.2f}")


def trace_escalation(trace: Trace, rule: CompiledRule, start: int, end: int) -> None:
    assert rule.escalate is not None
    why = (
        f"a launch word or date within {rule.escalate.window} characters: "
        f"severity {rule.escalate.severity}"
    )
    trace.span(rule.id, start, end, "escalate", "kept", why)


def trace_anchors(
    trace: Trace,
    norm: Normalized,
    plan: ScanPlan,
    hits: dict[str, list[int]],
    longest_run: int,
    wanted: Collection[str] | None,
    not_run: Sequence[NotRun],
) -> None:
    trace.begin(norm)
    for group in plan.groups:
        for rule in group:
            if wanted is not None and rule.id not in wanted:
                continue
            runs, why = anchors_of(rule, hits, longest_run)
            trace.rule(rule.id, "anchors", "ran" if runs else "skipped", why)
            if runs and rule is not group[0]:
                detail = f"finds what {group[0].id} finds (searched once)"
                trace.rule(rule.id, "pattern", "shared", detail)
    for item in not_run:
        trace.rule(item["rule_id"], "anchors", "skipped", "not run in this runtime")


def trace_outcome(
    trace: Trace,
    lost: list[tuple[Candidate, Candidate]],
    kept: list[Candidate],
    shown: set[int],
) -> None:
    for cand, winner in lost:
        why = (
            f"overlaps the finding of {winner.rule.id}, which wins "
            "(priority, then score, then the longer span)"
        )
        trace.span(cand.rule.id, cand.start, cand.end, "overlap", "dropped", why)
    for cand in kept:
        if id(cand) in shown:
            trace.span(cand.rule.id, cand.start, cand.end, "cap", "listed", "reported")
        else:
            why = "found, but past max_findings: counted in findings_omitted"
            trace.span(cand.rule.id, cand.start, cand.end, "cap", "dropped", why)
