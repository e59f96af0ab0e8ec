// Per candidate: validate, allow, score with context; then resolve overlaps.
// The twin of _validated_end, _score, _has_context and _resolve_overlaps in
// scanner.py. Offsets
// here are code points of the normalised text, like Python's.
import { findAll } from './matches.js';

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
 * Is a context word within the window around the value (and not inside it)?
 * Words are searched from the window's start; a match counts when it ends inside
 * the window (same definition as _has_context in scanner.py).
 */
function hasContext(rule, norm, candidate, deadline) {
  const { window, pattern } = rule.context;
  const { start, end } = candidate;
  const hi = end + window;
  const text = norm.text;
  const from = stepCodePoints(text, candidate.unitStart, window, -1);
  const until = stepCodePoints(text, candidate.unitEnd, window, +1);
  for (const m of findAll(pattern, text, deadline, { from, until })) {
    const s = norm.units.toCodePoint(m.index);
    const e = norm.units.toCodePoint(m.index + m[0].length);
    if (s > hi) break;
    if (e <= hi && (e <= start || s >= end)) return true;
  }
  return false;
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
export function scoreOf(compiled, rule, norm, candidate, budget) {
  const value = norm.text.slice(candidate.unitStart, candidate.unitEnd);
  let score = rule.base;
  for (const check of rule.validators) score += check.boost;
  if (rule.allow.allows(value) || compiled.allow.allows(value)) return null;
  if (rule.context !== null) {
    if (hasContext(rule, norm, candidate, budget.stepDeadline())) score += rule.context.boost;
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
