// The scan pipeline: normalise, anchor, match, validate, allow, score,
// resolve, cap. Same steps in the same order as backend/postguard/engine/
// scanner.py, so both runtimes return the same result; spans are code points of
// the text. One pass finds every rule's anchors (keywords, digit runs); only
// rules with an anchor in the text run, and their patterns only near it
// (anchors.js, plan.js). The budget is checked before each rule, between matches, between
// candidates and while resolving overlaps; what it cuts short is named in
// `incomplete`. Rules run most severe first, so a tight budget is spent on what
// matters most.
import { Budget, BudgetSpent, BudgetTimeout } from './budget.js';
import { cap, isEscalated, resolveOverlaps, scoreOf, severityOf, validatedEnd } from './candidates.js';
import { headCodePoints } from './code-points.js';
import { maskedPreview } from './mask.js';
import {
  digitRuns,
  gateSpans,
  keywordSpans,
  keywordStarts,
  lowerKeepingOffsets,
  matchesAt,
  matchesWithin,
  windows,
} from './anchors.js';
import { decodeKey, findHashed, keyIdOf, termMac as macFor } from './hashed-terms.js';
import { findUntil } from './matches.js';
import { normalize } from './normalize.js';
import { pyRound } from './ruleset.js';

export const VERDICT_ORDER = ['allow', 'warn', 'block'];

const digitSpans = (anchors, minDigits) =>
  anchors.runs.filter((r) => r.digits >= minDigits).map((r) => [r.start, r.end]);

// With keyword hits closer together than this, a pattern that begins with its
// keyword searches the whole text instead (as DENSE_HITS in scanner.py).
const DENSE_HITS = 1024;

/**
 * The rule's matches, each with the offset of the text it was found in: near its
 * anchors when it has some and its reach is known (see anchors.js), else over the
 * whole text (also when `anchors` is null: the reference for tests).
 */
function patternMatches(rule, text, anchors, deadline, clock) {
  const bounded = rule.behind !== null && rule.ahead !== null;
  // Reach is in code points; a code point may be two UTF-16 units. Anchors
  // inside a match (digit runs, gate matches) need only the pattern's own.
  const inner = bounded ? { behind: 2 * rule.matchBehind, ahead: 2 * rule.matchAhead } : null;
  let reach = inner;
  let spans = null;
  if (anchors !== null && rule.gate !== null && !rule.keywordFirst) {
    // The scan found the gate's matches before the rule ran.
    if (bounded) spans = anchors.gates.get(rule.gate.source + rule.gate.flags);
  } else if (anchors !== null && rule.keywords.length) {
    if (rule.keywordFirst) {
      const starts = keywordStarts(anchors.hits, rule.keywords);
      if (starts.length * DENSE_HITS <= text.length) {
        return matchesAt(rule.pattern, text, starts, deadline, clock);
      }
    } else if (bounded) {
      spans = keywordSpans(anchors.hits, rule.keywords);
      // The keywords may be context words, outside the match.
      reach = { behind: 2 * rule.behind, ahead: 2 * rule.ahead };
      if (rule.minDigits) {
        // Both must be near a match: take the sparser.
        const runs = digitSpans(anchors, rule.minDigits);
        if (runs.length < spans.length) [spans, reach] = [runs, inner];
      }
    }
  } else if (anchors !== null && rule.minDigits && bounded) {
    spans = digitSpans(anchors, rule.minDigits);
  }
  if (spans !== null) {
    const starts = windows(spans, reach.behind, reach.ahead, text.length);
    return matchesWithin(rule.pattern, text, starts, reach, deadline, clock);
  }
  const { found, timedOut } = findUntil(rule.pattern, text, deadline, { clock });
  return { found: found.map((match) => ({ match, offset: 0 })), timedOut };
}

/** The rule's spans, and whether its pattern timed out (the spans found until
 * then still count: a card before a slow stretch of text is still a card). */
function ruleSpans(rule, text, anchors, budget) {
  const spans = [];
  const deadline = budget.stepDeadline();
  const { found, timedOut } = patternMatches(rule, text, anchors, deadline, budget.clock);
  let lastEnd = 0;
  for (const { match, offset } of found) {
    const span = rule.valueGroup ? match.indices.groups.value : match.indices[0];
    if (span === undefined) continue;
    // A (?<head>...) group in a lookbehind moves the start back to it; a head
    // that reaches into the previous match is that match's text: dropped.
    const head = rule.headGroup ? match.indices.groups.head : undefined;
    if (head !== undefined && head[0] + offset < lastEnd) continue;
    lastEnd = match.indices[0][1] + offset;
    spans.push([(head === undefined ? span : head)[0] + offset, span[1] + offset]);
  }
  return { spans, timedOut };
}

function finding(candidate, norm) {
  const { rule } = candidate;
  const [start, end] = norm.spanToOriginal(candidate.start, candidate.end);
  return {
    rule_id: rule.id,
    category: rule.category,
    type: rule.type,
    severity: candidate.severity,
    start,
    end,
    score: candidate.score / 100,
    preview: maskedPreview(norm.text.slice(candidate.unitStart, candidate.unitEnd)),
    message: rule.message,
    policy_url: rule.policyUrl,
  };
}

function verdictOf(defaults, candidates, incomplete) {
  let verdict = 'allow';
  for (const severity of new Set(candidates.map((c) => c.severity))) {
    const candidate = defaults.verdicts[severity];
    if (VERDICT_ORDER.indexOf(candidate) < 0) throw new Error(`unknown verdict ${candidate}`);
    if (VERDICT_ORDER.indexOf(candidate) > VERDICT_ORDER.indexOf(verdict)) verdict = candidate;
  }
  return incomplete.length && verdict === 'allow' ? 'warn' : verdict;
}

/**
 * Add the rule's candidates to `found`; throws BudgetSpent or BudgetTimeout (the
 * candidates added before stay). The pattern gets one rule timeout, its
 * candidates another: the spans found before a timeout still count.
 */
function ruleCandidates(compiled, rule, norm, anchors, budget, found) {
  const minScore = pyRound(compiled.defaults.min_score * 100);
  const { spans, timedOut } = ruleSpans(rule, norm.text, anchors, budget.forRule());
  const work = budget.forRule();
  for (const [unitStart, matchEnd] of spans) {
    work.check();
    const unitEnd = validatedEnd(rule, norm.text, unitStart, matchEnd);
    if (unitEnd === null) continue;
    const start = norm.units.toCodePoint(unitStart);
    const end = norm.units.toCodePoint(unitEnd);
    const candidate = { rule, start, end, unitStart, unitEnd };
    const score = scoreOf(compiled, rule, norm, candidate, work);
    if (score === null || score < minScore) continue;
    const escalated = isEscalated(rule, norm, candidate, work);
    found.push({ ...candidate, score, escalated, severity: severityOf(rule, escalated) });
  }
  if (timedOut) throw new BudgetTimeout();
}

const macs = new Map(); // base64 key -> {keyId, mac}

/** The HMAC for the key the bundle's hashed terms name, or null without it. */
function termMac(hashed, termKeys) {
  const encoded = termKeys?.[hashed.keyId];
  if (typeof encoded !== 'string') return null;
  let entry = macs.get(encoded);
  if (entry === undefined) {
    let key;
    try {
      key = decodeKey(encoded);
    } catch {
      return null;
    }
    entry = { keyId: keyIdOf(key), mac: macFor(key) };
    macs.set(encoded, entry);
    if (macs.size > 4) macs.delete(macs.keys().next().value);
  }
  return entry.keyId === hashed.keyId ? entry.mac : null;
}

/** Add the hits of the bundle's hashed terms to `found`, scored and escalated
 * like any rule's (_hashed_candidates in Python); throws like the budget. */
function hashedCandidates(compiled, mac, norm, budget, wanted, found) {
  const rules = new Map(compiled.rules.filter((r) => r.hashed && wanted(r)).map((r) => [r.id, r]));
  if (!rules.size) return;
  const work = budget.forRule();
  const hits = findHashed(compiled.hashed, mac, norm.text, () => work.check());
  const minScore = pyRound(compiled.defaults.min_score * 100);
  const mine = [];
  for (const { unitStart, unitEnd, ruleId } of hits) {
    const rule = rules.get(ruleId);
    if (rule === undefined) continue;
    const start = norm.units.toCodePoint(unitStart);
    const end = norm.units.toCodePoint(unitEnd);
    const candidate = { rule, start, end, unitStart, unitEnd };
    const score = scoreOf(compiled, rule, norm, candidate, work);
    if (score === null || score < minScore) continue;
    const escalated = isEscalated(rule, norm, candidate, work);
    mine.push({ ...candidate, score, escalated, severity: severityOf(rule, escalated) });
  }
  found.push(...mine);
}

/** Does the rule have a gate that matches nowhere (so it cannot match)? Each
 * gate is searched once per scan, within a rule timeout. */
function gatedOut(rule, text, anchors, budget) {
  if (anchors === null || rule.gate === null) return false;
  const key = rule.gate.source + rule.gate.flags;
  let spans = anchors.gates.get(key);
  if (spans === undefined) {
    const work = budget.forRule();
    spans = gateSpans(rule.gate, text, work.stepDeadline(), work.clock);
    anchors.gates.set(key, spans);
  }
  return spans.length === 0;
}

const reasonOf = (error) => {
  if (error instanceof BudgetSpent) return 'budget';
  if (error instanceof BudgetTimeout) return 'timeout';
  throw error;
};

/**
 * Scan `text` with a compiled bundle. Options: `only` (rule ids to run),
 * `budgetMs` (instead of the bundle's budget_ms; Infinity: no budget at all),
 * `deadline` (an absolute `clock()` value that overrides budgetMs, so several
 * scans can share one budget) and `clock` (milliseconds; tests pass a fake one).
 * `locale` is accepted for parity with the service, but only backend-only phone
 * rules use it. `anchored: false` searches each rule's pattern over the whole
 * text instead of near its anchors (the reference the anchored scan is tested
 * against). `termKeys` ({key id: base64 key}) holds the key of the bundle's
 * hashed confidential terms. Returns the shape of Python's ScanResult.to_dict().
 */
export function scan(
  compiled,
  text,
  { only = null, budgetMs = null, deadline = null, clock, anchored = true, termKeys = null } = {},
) {
  if (typeof text !== 'string') throw new TypeError('scan() needs the text as a string');
  const defaults = compiled.defaults;
  const budget = Budget.start(defaults, { budgetMs, deadline, clock });
  const incomplete = [];
  const kept = headCodePoints(text, defaults.max_chars);
  if (kept.length !== text.length) incomplete.push({ rule_id: null, reason: 'too_long' });
  const norm = normalize(kept, compiled.table);
  const selected = only === null ? null : new Set(typeof only === 'string' ? [only] : only);
  const wanted = (rule) => selected === null || selected.has(rule.id);
  const { plan } = compiled;
  const hits = plan.finder.find(lowerKeepingOffsets(norm.text));
  const runs = plan.minDigits ? digitRuns(compiled.digitRun, norm.text, plan.minDigits) : [];
  const anchors = anchored ? { hits, runs, gates: new Map() } : null;
  const longestRun = runs.reduce((longest, run) => Math.max(longest, run.digits), 0);
  const candidates = [];
  for (const all of plan.select(hits, longestRun)) {
    const group = selected === null ? all : all.filter(wanted);
    if (!group.length) continue;
    const found = [];
    let reason = null;
    try {
      budget.check();
      if (gatedOut(group[0], norm.text, anchors, budget)) continue;
      ruleCandidates(compiled, group[0], norm, anchors, budget, found);
    } catch (error) {
      reason = reasonOf(error);
    }
    candidates.push(...found);
    // Rules that detect alike share the search (a spent budget ends it for all).
    for (const rule of group.slice(1)) {
      if (reason !== 'budget') {
        for (const c of found) candidates.push({ ...c, rule, severity: severityOf(rule, c.escalated) });
      }
    }
    if (reason !== null) for (const rule of group) incomplete.push({ rule_id: rule.id, reason });
  }
  const { hashed } = compiled;
  const mac = hashed ? termMac(hashed, termKeys) : null;
  if (mac !== null) {
    try {
      budget.check();
      hashedCandidates(compiled, mac, norm, budget, wanted, candidates);
    } catch (error) {
      const reason = reasonOf(error);
      for (const id of hashed.ruleIds) if (selected === null || selected.has(id)) incomplete.push({ rule_id: id, reason });
    }
  }
  // Listed, not silently passed: without the key hashed terms cannot match.
  const unkeyed = hashed && mac === null ? hashed.ruleIds.filter((id) => selected === null || selected.has(id)) : [];
  const byId = new Map(compiled.rules.map((rule) => [rule.id, rule]));
  const resolved = resolveOverlaps(candidates, budget.withGrace(), incomplete);
  const listed = cap(resolved, defaults.max_findings);
  const shown = new Set(listed);
  const omittedRules = [...new Set(resolved.filter((c) => !shown.has(c)).map((c) => c.rule.id))];
  return {
    verdict: verdictOf(defaults, resolved, incomplete),
    findings: listed.map((c) => finding(c, norm)),
    rules_version: compiled.version,
    complete: !incomplete.length,
    incomplete,
    findings_omitted: resolved.length - listed.length,
    omitted_rules: omittedRules.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    not_run: [
      ...compiled.notRun.filter(wanted).map(({ id, name }) => ({ rule_id: id, name })),
      ...unkeyed.map((id) => ({ rule_id: id, name: byId.get(id).name, reason: 'no_key' })),
    ],
  };
}
