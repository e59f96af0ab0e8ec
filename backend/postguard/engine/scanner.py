"""The scan pipeline: normalise, prefilter, match, validate, allow, score, resolve.

Every step is a plain function of the compiled bundle, so the JS twin
(``extension/src/engine/scan.js``) follows the same order and gets the same result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .mask import masked_preview
from .normalize import Normalized
from .normalize import normalize
from .result import VERDICT_ORDER
from .result import Finding
from .result import ScanResult
from .ruleset import CompiledBundle
from .ruleset import CompiledRule


@dataclass(frozen=True)
class Candidate:
    rule: CompiledRule
    start: int
    end: int
    score: int


class _Budget:
    def __init__(self, defaults: dict) -> None:
        self.deadline = time.perf_counter() + defaults["budget_ms"] / 1000
        self.rule_timeout = defaults["rule_timeout_ms"] / 1000

    def timeout(self) -> float:
        return min(self.rule_timeout, self.deadline - time.perf_counter())

    def timeout_or_raise(self) -> float:
        remaining = self.timeout()
        if remaining <= 0:
            raise TimeoutError("scan budget exhausted")
        return remaining


def _max_digit_run(bundle: CompiledBundle, text: str) -> int:
    longest = 0
    for run in bundle.digit_run.findall(text):
        count = sum(1 for c in run if "0" <= c <= "9")
        longest = max(longest, count)
    return longest


def _rule_spans(rule: CompiledRule, text: str, timeout: float, regions):
    group = "value" if rule.value_group else 0
    spans = []
    for m in rule.pattern.finditer(text, timeout=timeout):
        start, end = m.span(group)
        if start < 0:
            continue
        if rule.head_group and m.start("head") >= 0:
            start = m.start("head")
        spans.append((start, end))
    if rule.builtin is not None and spans:
        spans = rule.builtin.find(text, spans, regions)
    return spans


def _has_context(rule: CompiledRule, text: str, start: int, end: int, budget) -> bool:
    """Is a context word within the window around the value (and not inside it)?

    Words are searched from the window's start; a match counts when it ends inside
    the window. The search stops short of the text's end, yet far enough past the
    window for any word starting inside it to be seen whole, with its lookahead.
    """
    ctx = rule.context
    lo, hi = max(0, start - ctx.window), end + ctx.window
    endpos = min(len(text), hi + ctx.max_match + 1)
    for m in ctx.pattern.finditer(text, lo, endpos, timeout=budget.timeout_or_raise()):
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


def _score(bundle, rule, text, start, end, budget) -> int | None:
    value = text[start:end]
    score = rule.base + sum(check.boost for check in rule.validators)
    if rule.allow.allows(value) or bundle.allow.allows(value):
        return None
    if rule.context is not None:
        if _has_context(rule, text, start, end, budget):
            score += rule.context.boost
        elif rule.context.required:
            return None
    return min(score, 100)


def _resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Most specific first: priority, then score, then the longer span."""
    ranked = sorted(
        candidates,
        key=lambda c: (-c.rule.priority, -c.score, c.start - c.end, c.start, c.rule.id),
    )
    kept: list[Candidate] = []
    for cand in ranked:
        if all(cand.end <= k.start or cand.start >= k.end for k in kept):
            kept.append(cand)
    return sorted(kept, key=lambda c: (c.start, c.end, c.rule.id))


def _finding(cand: Candidate, norm: Normalized) -> Finding:
    rule = cand.rule
    start, end = norm.span_to_original(cand.start, cand.end)
    return Finding(
        rule_id=rule.id,
        category=rule.category,
        type=rule.type,
        severity=rule.severity,
        start=start,
        end=end,
        score=cand.score / 100,
        preview=masked_preview(norm.text[cand.start : cand.end]),
        message=rule.message,
        policy_url=rule.policy_url,
    )


def scan(bundle: CompiledBundle, rules, text: str, regions: tuple[str, ...]):
    defaults = bundle.defaults
    budget = _Budget(defaults)
    incomplete: list[dict] = []
    min_score = round(defaults["min_score"] * 100)
    if len(text) > defaults["max_chars"]:
        text = text[: defaults["max_chars"]]
        incomplete.append({"rule_id": None, "reason": "truncated"})
    norm = normalize(text, bundle.table)
    ntext = norm.text
    lowered = ntext.lower()
    # The keyword prefilter: one look for each distinct keyword of the bundle.
    present = {k for k in bundle.keywords if k in lowered}
    digit_run = None
    candidates: list[Candidate] = []
    for rule in rules:
        if rule.keywords and present.isdisjoint(rule.keywords):
            continue
        if rule.min_digits:
            if digit_run is None:
                digit_run = _max_digit_run(bundle, ntext)
            if digit_run < rule.min_digits:
                continue
        if budget.timeout() <= 0:
            incomplete.append({"rule_id": rule.id, "reason": "budget"})
            continue
        try:
            spans = _rule_spans(rule, ntext, budget.timeout_or_raise(), regions)
            for start, end in spans:
                end = _validated_end(rule, ntext, start, end)
                if end is None:
                    continue
                score = _score(bundle, rule, ntext, start, end, budget)
                if score is not None and score >= min_score:
                    candidates.append(Candidate(rule, start, end, score))
        except TimeoutError:
            incomplete.append({"rule_id": rule.id, "reason": "timeout"})
    findings = [_finding(c, norm) for c in _resolve_overlaps(candidates)]
    verdict = max(
        (defaults["verdicts"][f.severity] for f in findings),
        key=VERDICT_ORDER.index,
        default="allow",
    )
    if incomplete and verdict == "allow":
        verdict = "warn"
    return ScanResult(verdict, findings, bundle.version, not incomplete, incomplete)
