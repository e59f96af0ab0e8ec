"""The scan pipeline: normalise, anchor, match, validate, allow, score, resolve.

Every step is a plain function of the compiled bundle, so the JS twin
(``extension/src/engine/scan.js``) follows the same order and gets the same result.
One pass finds every rule's anchors (keywords, digit runs); only rules with an
anchor in the text run, and their patterns only near it (anchors.py, plan.py). A
rule with a gate runs only if its gate matches too, searched once per scan the
first time a rule that has it is selected.
The budget is checked before each rule, between candidates, in the phone matcher's
loop and while overlaps are resolved; whatever it cuts short is named in
``incomplete``. Rules run most severe first, so a tight budget is spent on what
matters most.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

import regex

from .anchors import DigitRun
from .anchors import Span
from .anchors import TimeoutFn
from .anchors import digit_runs
from .anchors import gate_spans
from .anchors import keyword_spans
from .anchors import keyword_starts
from .anchors import lower_keeping_offsets
from .anchors import matches_at
from .anchors import matches_within
from .anchors import windows
from .budget import Budget
from .budget import BudgetSpent
from .builtins import RegionHints
from .hashed_terms import find as find_hashed
from .mask import masked_preview
from .normalize import Normalized
from .normalize import normalize
from .plan import ScanPlan
from .result import SEVERITY_ORDER
from .result import VERDICT_ORDER
from .result import Finding
from .result import Incomplete
from .result import NotRun
from .result import ScanResult
from .ruleset import CompiledBundle
from .ruleset import CompiledContext
from .ruleset import CompiledEscalation
from .ruleset import CompiledRule
from .trace import Trace
from .trace import failing_validator
from .trace import trace_anchors
from .trace import trace_escalation
from .trace import trace_outcome
from .trace import trace_pattern
from .trace import trace_score


@dataclass(frozen=True)
class Candidate:
    rule: CompiledRule
    start: int
    end: int
    score: int
    # A launch word or date near it raised its severity (the rule's ``escalate``).
    escalated: bool = False

    @property
    def severity(self) -> str:
        return severity_of(self.rule, self.escalated)


def severity_of(rule: CompiledRule, escalated: bool) -> str:
    """The rule's severity, or its ``escalate`` severity if escalated and higher."""
    if not escalated or rule.escalate is None:
        return rule.severity
    raised = rule.escalate.severity
    if SEVERITY_ORDER.index(raised) > SEVERITY_ORDER.index(rule.severity):
        return raised
    return rule.severity


@dataclass(frozen=True)
class Anchors:
    """What the scan found once for every rule: keyword starts, digit runs, and
    (filled as rules ask for them) the matches of each gate."""

    hits: dict[str, list[int]]
    runs: list[DigitRun]
    gates: dict[tuple[str, int], list[Span]] = field(default_factory=dict)

    def gate(self, rule: CompiledRule, text: str, budget: Budget) -> list[Span] | None:
        """Where the rule's gate matches (None: it has none); searched once per
        scan for all rules that share it, within a rule timeout. Raises like
        ``budget.check``."""
        if rule.gate is None:
            return None
        key = gate_key(rule)
        spans = self.gates.get(key)
        if spans is None:
            # A rule timeout for the first search (most texts have no match, and
            # a budget of its own costs more than the search), one for the rest.
            first = rule.gate.search(text, timeout=budget.regex_timeout())
            if first is None:
                spans = []
            else:
                more = budget.for_rule().regex_timeout
                spans = gate_spans(rule.gate, text, more, first.span())
            self.gates[key] = spans
        return spans


def gate_key(rule: CompiledRule) -> tuple[str, int]:
    assert rule.gate is not None
    return rule.gate.pattern, rule.gate.flags


# A pattern that begins with its keyword searches the whole text about as fast
# as it is tried at this many places one call at a time (each call sets up its
# timeout): with hits closer together than this, the whole text is searched.
DENSE_HITS = 1024


def _pattern_matches(
    rule: CompiledRule, text: str, anchors: Anchors | None, timeout: TimeoutFn
) -> Iterator[regex.Match[str]]:
    """The rule's matches; near its anchors when it has some and its reach is
    known (see anchors.py), else over the whole text (also when ``anchors`` is
    None: the reference the anchored scan is tested against)."""
    bounded = rule.behind is not None and rule.ahead is not None
    if anchors is not None and rule.gate is not None and not rule.keyword_first:
        if bounded:  # the scan found the gate's matches before the rule ran
            return _within(rule, text, anchors.gates[gate_key(rule)], timeout)
    elif anchors is not None and rule.keywords:
        if rule.keyword_first:
            starts = keyword_starts(anchors.hits, rule.keywords)
            if len(starts) * DENSE_HITS <= len(text):
                return matches_at(rule.pattern, text, starts, timeout)
        elif bounded:
            spans = keyword_spans(anchors.hits, rule.keywords)
            inside = False  # keywords may be context words, outside the match
            if rule.min_digits:  # both must be near a match: take the sparser
                runs = _digit_spans(anchors, rule.min_digits)
                if len(runs) < len(spans):
                    spans, inside = runs, True
            found = _sparser(rule, anchors, spans)
            inside = inside or found is not spans
            return _within(rule, text, found, timeout, inside)
    elif anchors is not None and rule.min_digits and bounded:
        spans = _digit_spans(anchors, rule.min_digits)
        return _within(rule, text, _sparser(rule, anchors, spans), timeout)
    elif anchors is not None and rule.factors:  # else a whole-text search
        return _within(rule, text, keyword_spans(anchors.hits, rule.factors), timeout)
    return rule.pattern.finditer(text, timeout=timeout())


def _sparser(rule: CompiledRule, anchors: Anchors, spans: list[Span]) -> list[Span]:
    """``spans`` (the same list) or the hits of the rule's factors, whichever are
    fewer: every match holds a factor as well as an anchor (factors.py)."""
    if rule.factors:
        found = keyword_spans(anchors.hits, rule.factors)
        if len(found) < len(spans):
            return found
    return spans


def _digit_spans(anchors: Anchors, min_digits: int) -> list[Span]:
    return [(r.start, r.end) for r in anchors.runs if r.digits >= min_digits]


def _within(
    rule: CompiledRule,
    text: str,
    spans: list[Span],
    timeout: TimeoutFn,
    inside: bool = True,
) -> Iterator[regex.Match[str]]:
    """Matches near ``spans``: anchors that lie in a match (``inside``: digit
    runs, gate matches, factors) need only the pattern's own reach."""
    behind, ahead = (
        (rule.match_behind, rule.match_ahead) if inside else (rule.behind, rule.ahead)
    )
    assert behind is not None and ahead is not None
    starts = windows(spans, behind, ahead, len(text))
    return matches_within(rule.pattern, text, starts, ahead, timeout)


def _regex_spans(
    rule: CompiledRule, text: str, anchors: Anchors | None, budget: Budget
) -> tuple[list[Span], bool]:
    """The rule's spans, and whether its regex timed out (the spans found until
    then still count: a card before a slow stretch of text is still a card).
    A match whose head (read behind it) reaches into the previous match is
    dropped: that text is taken, as in a search that starts where it ends."""
    group = "value" if rule.value_group else 0
    spans: list[Span] = []
    last_end = 0
    try:
        for m in _pattern_matches(rule, text, anchors, budget.regex_timeout):
            start, end = m.span(group)
            if start < 0:
                continue
            if rule.head_group and m.start("head") >= 0:
                if m.start("head") < last_end:
                    continue
                start = m.start("head")
            last_end = m.end()
            spans.append((start, end))
    except TimeoutError:
        return spans, True
    return spans, False


def _rule_spans(
    rule: CompiledRule,
    spans: list[Span],
    text: str,
    budget: Budget,
    regions: RegionHints,
) -> Iterable[Span]:
    if rule.builtin is not None and spans:
        context = rule.context

        def has_context(start: int, end: int) -> bool:
            return context is not None and _has_context(
                context, text, start, end, budget
            )

        found: Iterator[Span] = rule.builtin.find(
            text, spans, regions, budget.check, has_context
        )
        return found
    return spans


def _has_context(
    ctx: CompiledContext | CompiledEscalation,
    text: str,
    start: int,
    end: int,
    budget: Budget,
) -> bool:
    """Is a context word (for ``escalate``: a launch word or a date) within the
    window around the value (and not inside it)?

    Words are searched from the window's start; a match counts when it ends inside
    the window. The search stops short of the text's end, yet far enough past the
    window for any word starting inside it to be seen whole, with its lookahead.
    """
    lo, hi = max(0, start - ctx.window), end + ctx.window
    endpos = min(len(text), hi + ctx.max_match + 1)
    timeout = budget.regex_timeout()
    for m in ctx.pattern.finditer(text, lo, endpos, timeout=timeout):
        s, e = m.span()
        if s > hi:
            break
        if e <= hi and (e <= start or s >= end):
            return True
    return False


MAX_SHRINK = 8


def _validated_end(rule: CompiledRule, text: str, start: int, end: int) -> int | None:
    """End of the value that passes every validator, or None.

    With ``shrink``, a failing value is retried cut at each earlier space or dash,
    longest first: ``GB82 WEST ... 32 please`` fails, ``GB82 WEST ... 32`` passes.
    """
    ends = [end]
    if rule.shrink:
        cuts = [i for i in range(end - 1, start, -1) if text[i] in " -"]
        ends += [i for i in cuts if text[i - 1] not in " -"][:MAX_SHRINK]
    for candidate_end in ends:
        value = text[start:candidate_end]
        if all(c.module.validate(value, c.params) for c in rule.validators):
            return candidate_end
    return None


def _score(
    bundle: CompiledBundle,
    rule: CompiledRule,
    text: str,
    start: int,
    end: int,
    budget: Budget,
) -> tuple[int | None, str]:
    """The score in percent, or None and what dropped it: ``allow`` (the rule's
    allowlist), ``global allow``, ``context``."""
    value = text[start:end]
    score = rule.base + sum(check.boost for check in rule.validators)
    timeout = budget.regex_timeout()
    if rule.allow.allows(value, timeout):
        return None, "allow"
    if bundle.allow.allows(value, timeout):
        return None, "global allow"
    if rule.context is not None:
        if _has_context(rule.context, text, start, end, budget):
            score += rule.context.boost
        elif rule.context.required:
            return None, "context"
    return min(score, 100), ""


def _rule_candidates(
    bundle: CompiledBundle,
    rule: CompiledRule,
    text: str,
    anchors: Anchors | None,
    budget: Budget,
    regions: RegionHints,
    found: list[Candidate],
    trace: Trace | None = None,
) -> None:
    """Add the rule's candidates to ``found``; raises BudgetSpent or TimeoutError
    (the candidates added before stay). The pattern gets one rule timeout, its
    candidates another: the spans found before a timeout still count."""
    spans, timed_out = _regex_spans(rule, text, anchors, budget.for_rule())
    if not spans and not timed_out:
        if trace is not None:
            trace_pattern(trace, rule, spans, [], timed_out)
        return  # most rules find nothing: no budget for candidates needed
    min_score = round(bundle.defaults["min_score"] * 100)
    work = budget.for_rule()
    proposed = _rule_spans(rule, spans, text, work, regions)
    if trace is not None:
        proposed = trace_pattern(trace, rule, spans, list(proposed), timed_out)
    # Most candidates of a rule that needs context have none: look for it before
    # the validators (a stdnum check costs more than a look around the value).
    context_first = rule.context is not None and rule.context.required
    for start, match_end in proposed:
        work.check()
        if context_first and not rule.shrink:
            assert rule.context is not None
            if not _has_context(rule.context, text, start, match_end, work):
                if trace is not None:
                    why = f"no context word within {rule.context.window} characters"
                    trace.span(rule.id, start, match_end, "context", "dropped", why)
                continue
        end = _validated_end(rule, text, start, match_end)
        if end is None:
            if trace is not None:
                why = failing_validator(rule, text[start:match_end])
                trace.span(rule.id, start, match_end, "validator", "dropped", why)
            continue
        score, dropped_by = _score(bundle, rule, text, start, end, work)
        kept = score is not None and score >= min_score
        escalated = False
        if kept and rule.escalate is not None:
            escalated = _has_context(rule.escalate, text, start, end, work)
        if kept:
            assert score is not None
            found.append(Candidate(rule, start, end, score, escalated))
        if trace is not None:
            trace_score(trace, bundle, rule, text, (start, end), score, dropped_by)
            if escalated:
                trace_escalation(trace, rule, start, end)
    if timed_out:
        raise TimeoutError("the rule's pattern ran out of time")


def _hashed_candidates(
    bundle: CompiledBundle,
    text: str,
    key: bytes,
    budget: Budget,
    wanted: Collection[str] | None,
    found: list[Candidate],
) -> None:
    """Add the hits of the bundle's hashed terms to ``found``, scored and
    escalated like any rule's; raises BudgetSpent or TimeoutError (then none
    are added)."""
    assert bundle.hashed is not None and bundle.fold is not None
    rules = {
        r.id: r for r in bundle.rules if r.hashed and (wanted is None or r.id in wanted)
    }
    if not rules:
        return
    work = budget.for_rule()
    hits = find_hashed(bundle.hashed, key, bundle.fold, text, work.check)
    min_score = round(bundle.defaults["min_score"] * 100)
    mine = []
    for start, end, rule_id in hits:
        rule = rules.get(rule_id)
        if rule is None:
            continue
        score, _ = _score(bundle, rule, text, start, end, work)
        if score is None or score < min_score:
            continue
        escalated = rule.escalate is not None and _has_context(
            rule.escalate, text, start, end, work
        )
        mine.append(Candidate(rule, start, end, score, escalated))
    found += mine


def _resolve_overlaps(
    candidates: list[Candidate],
    budget: Budget,
    incomplete: list[Incomplete],
    lost: list[tuple[Candidate, Candidate]] | None = None,
) -> list[Candidate]:
    """Most specific first: priority, then score, then the longer span.

    Kept spans never overlap, so sorted by start their ends are sorted too: the
    only kept span that can overlap a candidate is the last one starting before
    the candidate ends (a bisect, not a look at every kept span). When the budget
    runs out, the candidates not yet placed are dropped and their rules named
    (once: a rule that timed out stays listed as such).
    """
    ranked = sorted(
        candidates,
        key=lambda c: (-c.rule.priority, -c.score, c.start - c.end, c.start, c.rule.id),
    )
    places: list[Span] = []  # kept (start, end), sorted
    kept: list[Candidate] = []
    holders: dict[Span, Candidate] = {}  # only to say who won, for a trace
    for index, cand in enumerate(ranked):
        try:
            budget.check()
        except BudgetSpent:
            listed = {entry["rule_id"] for entry in incomplete}
            dropped = {c.rule.id for c in ranked[index:]}
            for rule_id in sorted(dropped - listed):
                incomplete.append({"rule_id": rule_id, "reason": "budget"})
            break
        before = bisect.bisect_left(places, (cand.end, -1)) - 1
        if before >= 0 and places[before][1] > cand.start:
            if lost is not None:
                lost.append((cand, holders[places[before]]))
            continue
        bisect.insort(places, (cand.start, cand.end))
        kept.append(cand)
        if lost is not None:
            holders[(cand.start, cand.end)] = cand
    return sorted(kept, key=_position)


def _position(cand: Candidate) -> tuple[int, int, str]:
    return cand.start, cand.end, cand.rule.id


def _cap(kept: list[Candidate], limit: int) -> list[Candidate]:
    """The ``limit`` most severe (ties: the earliest), listed by position."""
    if len(kept) <= limit:
        return kept
    most_severe = sorted(
        kept, key=lambda c: (-SEVERITY_ORDER.index(c.severity), *_position(c))
    )
    return sorted(most_severe[:limit], key=_position)


def _finding(cand: Candidate, norm: Normalized) -> Finding:
    rule = cand.rule
    start, end = norm.span_to_original(cand.start, cand.end)
    return Finding(
        rule_id=rule.id,
        category=rule.category,
        type=rule.type,
        severity=cand.severity,
        start=start,
        end=end,
        score=cand.score / 100,
        preview=masked_preview(norm.text[cand.start : cand.end]),
        message=rule.message,
        policy_url=rule.policy_url,
    )


def scan(
    bundle: CompiledBundle,
    plan: ScanPlan,
    text: str,
    regions: RegionHints,
    budget: Budget,
    not_run: Sequence[NotRun] = (),
    *,
    wanted: Collection[str] | None = None,
    anchored: bool = True,
    trace: Trace | None = None,
    term_key: bytes | None = None,
) -> ScanResult:
    """Scan with the plan's rules (those in ``wanted``, when given).
    ``anchored=False`` searches each rule's pattern over the whole text: slower,
    and the reference that tests hold the anchored scan to. A ``trace`` collects
    why each rule and candidate was kept or dropped (``scan --explain``)."""
    defaults = bundle.defaults
    incomplete: list[Incomplete] = []
    if len(text) > defaults["max_chars"]:
        text = text[: defaults["max_chars"]]
        incomplete.append({"rule_id": None, "reason": "too_long"})
    norm = normalize(text, bundle.table)
    ntext = norm.text
    hits = plan.finder.find(lower_keeping_offsets(ntext))
    runs = (
        digit_runs(bundle.digit_run, ntext, plan.min_digits) if plan.min_digits else []
    )
    anchors = Anchors(hits, runs) if anchored else None
    longest_run = max((r.digits for r in runs), default=0)
    if trace is not None:
        trace_anchors(trace, norm, plan, hits, longest_run, wanted, not_run)
    candidates: list[Candidate] = []
    for group in plan.select(hits, longest_run):
        if wanted is not None:
            group = tuple(r for r in group if r.id in wanted)
            if not group:
                continue
        found: list[Candidate] = []
        reason = None
        try:
            budget.check()
            gated = anchors and anchors.gate(group[0], ntext, budget)
            if gated == []:  # the rule has a gate, and it matches nowhere
                if trace is not None:
                    for rule in group:
                        trace.rule(rule.id, "gate", "skipped", "no match of its gate")
                continue
            _rule_candidates(
                bundle, group[0], ntext, anchors, budget, regions, found, trace
            )
        except BudgetSpent:
            reason = "budget"
        except TimeoutError:
            reason = "timeout"
        candidates += found
        # Rules that detect alike share the search (a spent budget ends it for all).
        for rule in group[1:]:
            if reason != "budget":
                candidates += [
                    Candidate(rule, c.start, c.end, c.score, c.escalated) for c in found
                ]
        if reason is not None:
            incomplete += [{"rule_id": rule.id, "reason": reason} for rule in group]
    if bundle.hashed is not None and term_key is not None:
        try:
            budget.check()
            _hashed_candidates(bundle, ntext, term_key, budget, wanted, candidates)
        except (BudgetSpent, TimeoutError) as exc:
            why = "budget" if isinstance(exc, BudgetSpent) else "timeout"
            incomplete += [
                {"rule_id": rule_id, "reason": why}
                for rule_id in bundle.hashed.rule_ids
                if wanted is None or rule_id in wanted
            ]
    lost: list[tuple[Candidate, Candidate]] | None = None if trace is None else []
    kept = _resolve_overlaps(candidates, budget.with_grace(), incomplete, lost)
    listed = _cap(kept, defaults["max_findings"])
    shown = {id(c) for c in listed}
    if trace is not None:
        trace_outcome(trace, lost or [], kept, shown)
    omitted_rules = sorted({c.rule.id for c in kept if id(c) not in shown})
    verdict = max(
        (defaults["verdicts"][c.severity] for c in kept),
        key=VERDICT_ORDER.index,
        default="allow",
    )
    if incomplete and verdict == "allow":
        verdict = "warn"
    return ScanResult(
        verdict=verdict,
        findings=[_finding(c, norm) for c in listed],
        rules_version=bundle.version,
        complete=not incomplete,
        incomplete=incomplete,
        findings_omitted=len(kept) - len(listed),
        omitted_rules=omitted_rules,
        not_run=[dict(item) for item in not_run],
    )
