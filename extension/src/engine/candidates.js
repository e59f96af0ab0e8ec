// Per candidate: validate, allow, score with context; then resolve overlaps and
// cap the findings. The twin of _validated_end, _score, _has_context,
// _resolve_overlaps and _cap in scanner.py. Offsets here are code points of the
// normalised text, like Python's.
import { BudgetSpent } from './budget.js';
import { findAll } from './matches.js';

// Least to most severe; the findings cap keeps the most severe first.
export const SEVERITY_ORDER = ['low', 'medium', 'high', 'critical'];

/** UTF-16 offset `count` code points before (`step` -1) or after (+1) `unit`. */
function stepCodePoints(text, unit, count, step) {
  let at = unit;
  for (let n = 0; n < count; n += 1) {
    if (step < 0) {
      if (at <= 0) return 0;
      at -= at > 1 && isLow(text.charCodeAt(at - 1)) && isHigh(text.charCodeAt(at - 2)) ? 2 : 1;
    } else {
      if (at >= text.length) return text.length;
      at += isHigh(text.charCodeAt(at)) && isLow(text.charCodeAt(at + 1)) ? 2 : 1;
    }
  }
  return at;
}

const isHigh = (code) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Is a context word (for `escalate`: a launch word or a date) within the window
 * around the value (and not inside it)? Words are searched from the window's
 * start; a match counts when it ends inside the window (same definition as
 * _has_context in scanner.py). `near` is a rule's context or escalate.
 */
function hasContext(near, norm, candidate, budget) {
  const { window, pattern, maxMatch } = near;
  const { start, end } = candidate;
  const hi = end + window;
  const text = norm.text;
  const from = stepCodePoints(text, candidate.unitStart, window, -1);
  const until = stepCodePoints(text, candidate.unitEnd, window, +1);
  // JS has no endpos: search a slice that ends where Python's search stops (far
  // enough for a word starting in the window to be seen whole), so a text with no
  // word after the value is not read to its end for each candidate. The slice
  // starts a little early for the words' look-behinds.
  const sliceStart = Math.max(0, from - LOOKBEHIND_UNITS);
  const sliceEnd = stepCodePoints(text, candidate.unitEnd, window + maxMatch + 1, +1);
  const slice = text.slice(sliceStart, sliceEnd);
  const deadline = budget.stepDeadline();
  const options = { from: from - sliceStart, until: until - sliceStart, clock: budget.clock };
  for (const m of findAll(pattern, slice, deadline, options)) {
    const s = norm.units.toCodePoint(m.index + sliceStart);
    const e = norm.units.toCodePoint(m.index + sliceStart + m[0].length);
    if (s > hi) break;
    if (e <= hi && (e <= start || s >= end)) return true;
  }
  return false;
}

// Context and escalate patterns look back one character at most (a word edge).
const LOOKBEHIND_UNITS = 8;

const MAX_SHRINK = 8;
const isCut = (char) => char === ' ' || char === '-';

/**
 * End (UTF-16) of the value that passes every validator, or null. With `shrink`,
 * a failing value is retried cut at each earlier space or dash, longest first:
 * "GB82 WEST ... 32 please" fails, "GB82 WEST ... 32" passes.
 */
export function validatedEnd(rule, text, start, end) {
  const ends = [end];
  if (rule.shrink) {
    for (let i = end - 1; i > start && ends.length <= MAX_SHRINK; i -= 1) {
      if (isCut(text[i]) && !isCut(text[i - 1])) ends.push(i);
    }
  }
  for (const candidateEnd of ends) {
    const value = text.slice(start, candidateEnd);
    if (rule.validators.every((check) => check.validate(value, check.params))) {
      return candidateEnd;
    }
  }
  return null;
}

/** The candidate's score in percent, or null when it is not a finding. */
export function scoreOf(compiled, rule, norm, candidate, budget) {
  const value = norm.text.slice(candidate.unitStart, candidate.unitEnd);
  let score = rule.base;
  for (const check of rule.validators) score += check.boost;
  if (rule.allow.allows(value) || compiled.allow.allows(value)) return null;
  if (rule.context !== null) {
    if (hasContext(rule.context, norm, candidate, budget)) score += rule.context.boost;
    else if (rule.context.required) return null;
  }
  return Math.min(score, 100);
}

/** Does a launch word or date lie near a kept candidate (the rule's `escalate`)? */
export function isEscalated(rule, norm, candidate, budget) {
  return rule.escalate !== null && hasContext(rule.escalate, norm, candidate, budget);
}

/** The rule's severity, or its escalate severity when escalated and higher (severity_of). */
export function severityOf(rule, escalated) {
  if (!escalated || rule.escalate === null) return rule.severity;
  const raised = rule.escalate.severity;
  return SEVERITY_ORDER.indexOf(raised) > SEVERITY_ORDER.indexOf(rule.severity) ? raised : rule.severity;
}

// Python sorts by key tuples; these comparators give the same orders without an
// array per candidate (a post can hold thousands).
const compareIds = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const byPlace = (x, y) => x.start - y.start || x.end - y.end || compareIds(x.rule.id, y.rule.id);
/** Most specific first: priority, then score, then the longer span. */
const byRank = (x, y) =>
  y.rule.priority - x.rule.priority ||
  y.score - x.score ||
  x.start - x.end - (y.start - y.end) ||
  x.start - y.start ||
  compareIds(x.rule.id, y.rule.id);
const bySeverity = (x, y) => SEVERITY_ORDER.indexOf(y.severity) - SEVERITY_ORDER.indexOf(x.severity);

/** Python's bisect_left over [start, end] pairs sorted by start, then end. */
function bisectPairs(sorted, start, end) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = sorted[mid];
    if (s < start || (s === start && e < end)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Most specific first: priority, then score, then the longer span. Kept spans
 * never overlap, so sorted by start their ends are sorted too: the only kept span
 * that can overlap a candidate is the last one starting before the candidate
 * ends (a binary search, not a look at every kept span). When the budget runs
 * out, the candidates not yet placed are dropped and their rules named (once: a
 * rule that timed out stays listed as such).
 */
export function resolveOverlaps(candidates, budget, incomplete) {
  const ranked = [...candidates].sort(byRank);
  const places = []; // kept [start, end], sorted
  const kept = [];
  for (const [index, cand] of ranked.entries()) {
    try {
      budget.check();
    } catch (error) {
      if (!(error instanceof BudgetSpent)) throw error;
      const listed = new Set(incomplete.map((entry) => entry.rule_id));
      const dropped = new Set(ranked.slice(index).map((c) => c.rule.id));
      for (const ruleId of [...dropped].sort()) {
        if (!listed.has(ruleId)) incomplete.push({ rule_id: ruleId, reason: 'budget' });
      }
      break;
    }
    const before = bisectPairs(places, cand.end, -1) - 1;
    if (before >= 0 && places[before][1] > cand.start) continue;
    places.splice(bisectPairs(places, cand.start, cand.end), 0, [cand.start, cand.end]);
    kept.push(cand);
  }
  return kept.sort(byPlace);
}

/** The `limit` most severe (ties: the earliest), listed by position. */
export function cap(kept, limit) {
  if (kept.length <= limit) return kept;
  const mostSevere = [...kept].sort((x, y) => bySeverity(x, y) || byPlace(x, y));
  return mostSevere.slice(0, limit).sort(byPlace);
}
