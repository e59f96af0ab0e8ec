// The scan pipeline: normalise, prefilter, match, validate, allow, score,
// resolve. Same steps in the same order as backend/postguard/engine/scanner.py,
// so both runtimes return the same result; spans are code points of the text.
import { Budget, BudgetTimeout } from './budget.js';
import { resolveOverlaps, scoreOf, validatedEnd } from './candidates.js';
import { headCodePoints } from './code-points.js';
import { maskedPreview } from './mask.js';
import { findAll } from './matches.js';
import { normalize } from './normalize.js';
import { pyRound } from './ruleset.js';

export const VERDICT_ORDER = ['allow', 'warn', 'block'];

function maxDigitRun(compiled, text) {
  let longest = 0;
  for (const run of findAll(compiled.digitRun, text)) {
    longest = Math.max(longest, run[0].replace(/[^0-9]/g, '').length);
  }
  return longest;
}

function ruleSpans(rule, text, deadline) {
  const spans = [];
  for (const match of findAll(rule.pattern, text, deadline)) {
    const span = rule.valueGroup ? match.indices.groups.value : match.indices[0];
    if (span === undefined) continue;
    // A (?<head>...) group in a leading lookbehind moves the start back to it.
    const head = rule.headGroup ? match.indices.groups.head : undefined;
    spans.push(head === undefined ? span : [head[0], span[1]]);
  }
  return spans;
}

function finding(candidate, norm) {
  const { rule } = candidate;
  const [start, end] = norm.spanToOriginal(candidate.start, candidate.end);
  return {
    rule_id: rule.id,
    category: rule.category,
    type: rule.type,
    severity: rule.severity,
    start,
    end,
    score: candidate.score / 100,
    preview: maskedPreview(norm.text.slice(candidate.unitStart, candidate.unitEnd)),
    message: rule.message,
    policy_url: rule.policyUrl,
  };
}

function verdictOf(defaults, findings, incomplete) {
  let verdict = 'allow';
  for (const { severity } of findings) {
    const candidate = defaults.verdicts[severity];
    if (VERDICT_ORDER.indexOf(candidate) < 0) throw new Error(`unknown verdict ${candidate}`);
    if (VERDICT_ORDER.indexOf(candidate) > VERDICT_ORDER.indexOf(verdict)) verdict = candidate;
  }
  return incomplete.length && verdict === 'allow' ? 'warn' : verdict;
}

/**
 * Scan `text` with a compiled bundle. Options: `only` (rule ids to run) and
 * `budgetMs` (instead of the bundle's budget_ms); `locale` is accepted for
 * parity with the service, but only backend-only phone rules use it. Returns
 * the shape of Python's ScanResult.to_dict().
 */
export function scan(compiled, text, { only = null, budgetMs } = {}) {
  if (typeof text !== 'string') throw new TypeError('scan() needs the text as a string');
  const defaults = compiled.defaults;
  const budget = new Budget(budgetMs ?? defaults.budget_ms, defaults.rule_timeout_ms);
  const incomplete = [];
  const minScore = pyRound(defaults.min_score * 100);
  const kept = headCodePoints(text, defaults.max_chars);
  if (kept.length !== text.length) incomplete.push({ rule_id: null, reason: 'truncated' });
  const norm = normalize(kept, compiled.table);
  const lowered = norm.text.toLowerCase();
  const selected = only === null ? null : new Set(typeof only === 'string' ? [only] : only);
  let digitRun = null;
  const candidates = [];
  for (const rule of compiled.rules) {
    if (selected !== null && !selected.has(rule.id)) continue;
    if (rule.keywords.length && !rule.keywords.some((k) => lowered.includes(k))) continue;
    if (rule.minDigits) {
      digitRun ??= maxDigitRun(compiled, norm.text);
      if (digitRun < rule.minDigits) continue;
    }
    if (budget.timeout() <= 0) {
      incomplete.push({ rule_id: rule.id, reason: 'budget' });
      continue;
    }
    try {
      for (const [unitStart, matchEnd] of ruleSpans(rule, norm.text, budget.stepDeadline())) {
        const unitEnd = validatedEnd(rule, norm.text, unitStart, matchEnd);
        if (unitEnd === null) continue;
        const start = norm.units.toCodePoint(unitStart);
        const end = norm.units.toCodePoint(unitEnd);
        const candidate = { rule, start, end, unitStart, unitEnd };
        const score = scoreOf(compiled, rule, norm, candidate, budget);
        if (score !== null && score >= minScore) candidates.push({ ...candidate, score });
      }
    } catch (error) {
      if (!(error instanceof BudgetTimeout)) throw error;
      incomplete.push({ rule_id: rule.id, reason: 'timeout' });
    }
  }
  const findings = resolveOverlaps(candidates).map((c) => finding(c, norm));
  const verdict = verdictOf(defaults, findings, incomplete);
  return { verdict, findings, rules_version: compiled.version, complete: !incomplete.length, incomplete };
}
