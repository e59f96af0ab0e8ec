// Per candidate: validate, allow, score with context; then resolve overlaps.
// The twin of _validated_end, _score, _has_context and _resolve_overlaps in
// scanner.py. Offsets
// here are code points of the normalised text, like Python's.
import { findAll } from './matches.js';

function hasContext(hits, window, start, end) {
  const lo = start - window;
  const hi = end + window;
  return hits.some(([s, e]) => lo <= s && e <= hi && (e <= start || s >= end));
}

/** Context words found in the whole text, once per rule and scan. */
export class ContextHits {
  constructor(norm, budget) {
    this.norm = norm;
    this.budget = budget;
    this.hits = new Map();
  }

  of(rule) {
    let hits = this.hits.get(rule.id);
    if (hits === undefined) {
      const deadline = this.budget.stepDeadline();
      const units = this.norm.units;
      hits = findAll(rule.context.pattern, this.norm.text, deadline).map((m) => [
        units.toCodePoint(m.index),
        units.toCodePoint(m.index + m[0].length),
      ]);
      this.hits.set(rule.id, hits);
    }
    return hits;
  }
}

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
export function scoreOf(compiled, rule, value, start, end, contextHits) {
  let score = rule.base;
  for (const check of rule.validators) score += check.boost;
  if (rule.allow.allows(value) || compiled.allow.allows(value)) return null;
  if (rule.context !== null) {
    const hits = contextHits.of(rule);
    if (hasContext(hits, rule.context.window, start, end)) score += rule.context.boost;
    else if (rule.context.required) return null;
  }
  return Math.min(score, 100);
}

function compareKeys(a, b) {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

/** Most specific first: priority, then score, then the longer span. */
export function resolveOverlaps(candidates) {
  const rankKey = (c) => [-c.rule.priority, -c.score, c.start - c.end, c.start, c.rule.id];
  const ranked = candidates
    .map((c) => ({ c, key: rankKey(c) }))
    .sort((x, y) => compareKeys(x.key, y.key))
    .map(({ c }) => c);
  const kept = [];
  for (const cand of ranked) {
    if (kept.every((k) => cand.end <= k.start || cand.start >= k.end)) kept.push(cand);
  }
  const placeKey = (c) => [c.start, c.end, c.rule.id];
  return kept.sort((x, y) => compareKeys(placeKey(x), placeKey(y)));
}
