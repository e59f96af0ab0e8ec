// The time budget, on a fake clock that advances one millisecond on every read:
// a JS RegExp cannot be interrupted, so the engine checks the clock before each
// rule, between matches, between candidates and while resolving overlaps, and
// reports what it did not finish instead of running on. No test measures time.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Budget } from '../../extension/src/engine/budget.js';
import { resolveOverlaps } from '../../extension/src/engine/candidates.js';
import { compileBundle, scan } from '../../extension/src/engine/index.js';
import { bundleWith, covered, shippedBundle, syntheticRule } from './bundle-fixture.js';

const TEXT = 'card 4111 1111 1111 1111, password is hunter2, mail jane.doe@acme-corp.com';
const EMAILS = Array.from({ length: 60 }, (_, i) => `u${i}@acme-corp.com`);

function fakeClock() {
  const clock = () => {
    clock.reads += 1;
    clock.now += 1;
    return clock.now;
  };
  clock.reads = 0;
  clock.now = 0;
  return clock;
}

test('an exhausted budget names every rule it skipped and never allows', () => {
  const compiled = compileBundle(shippedBundle());
  const result = scan(compiled, TEXT, { budgetMs: 0 });
  assert.deepEqual(result.findings, []);
  assert.equal(result.complete, false);
  assert.equal(result.verdict, 'warn');
  assert.ok(result.incomplete.length > 0);
  const ids = new Set(compiled.rules.map((rule) => rule.id));
  for (const entry of result.incomplete) {
    assert.equal(entry.reason, 'budget');
    assert.ok(ids.has(entry.rule_id), entry.rule_id);
  }
  assert.ok(result.incomplete.some((entry) => entry.rule_id === 'credit-card'));
});

test('a negative budget is refused', () => {
  const compiled = compileBundle(shippedBundle());
  assert.throws(() => scan(compiled, 'x', { budgetMs: -1 }), RangeError);
  assert.throws(() => scan(compiled, 'x', { budgetMs: Number.NaN }), RangeError);
});

test('a rule slow by design stops between matches with its id and keeps what it found', () => {
  const slow = syntheticRule('slow-by-design', '[a-z](?=[a-z ]{0,40} )');
  const compiled = compileBundle(bundleWith({ rules: [slow], defaults: { rule_timeout_ms: 5 } }));
  const text = 'ab '.repeat(1000);
  const clock = fakeClock();
  const result = scan(compiled, text, { clock, budgetMs: 1_000_000 });
  assert.deepEqual(result.incomplete, [{ rule_id: 'slow-by-design', reason: 'timeout' }]);
  assert.equal(result.complete, false);
  // The matches before the timeout still count, and the scan did not run on.
  assert.ok(result.findings.length > 0 && result.findings.length < 10, result.findings.length);
  assert.ok(clock.reads < 30, clock.reads);
});

test('the budget is checked between candidates', () => {
  const compiled = compileBundle(bundleWith({ defaults: { rule_timeout_ms: 3_600_000 } }));
  const text = EMAILS.join(' ');
  const only = ['email-address'];
  let previous = 0;
  let cutBetweenCandidates = false;
  // However far the budget reaches, the scan keeps the candidates before the cut,
  // in order, and names the rule; some budgets end between two candidates.
  for (let budgetMs = 1; budgetMs <= 400; budgetMs += 1) {
    const result = scan(compiled, text, { only, budgetMs, clock: fakeClock() });
    const found = result.findings.map((f) => covered(text, f));
    assert.deepEqual(found, EMAILS.slice(0, found.length));
    assert.ok(found.length >= previous, `budget ${budgetMs}`);
    previous = found.length;
    if (result.complete) {
      assert.equal(found.length, EMAILS.length);
      continue;
    }
    assert.equal(result.verdict, 'warn');
    assert.equal(result.incomplete.length, 1);
    assert.equal(result.incomplete[0].rule_id, 'email-address');
    if (result.incomplete[0].reason === 'budget' && found.length > 0) cutBetweenCandidates = true;
  }
  assert.ok(cutBetweenCandidates);
  assert.equal(previous, EMAILS.length);
});

test('one rule cannot use up the budget of the next', () => {
  // 30 ticks per rule step: the email addresses take more than their share and
  // time out; the card, checked first (it is more severe), is found all the same.
  const compiled = compileBundle(bundleWith({ defaults: { rule_timeout_ms: 30 } }));
  const text = `${EMAILS.join(' ')} card 4111 1111 1111 1111`;
  const only = ['email-address', 'credit-card'];
  const result = scan(compiled, text, { only, budgetMs: 1_000_000, clock: fakeClock() });
  assert.deepEqual(result.incomplete, [{ rule_id: 'email-address', reason: 'timeout' }]);
  const found = result.findings.map((f) => covered(text, f));
  assert.equal(found.at(-1), '4111 1111 1111 1111');
  assert.ok(found.length - 1 > 0 && found.length - 1 < EMAILS.length, found.length);
  assert.deepEqual(found.slice(0, -1), EMAILS.slice(0, found.length - 1));
});

test('the most severe rules run first', () => {
  // By id, email-address would run before password-phrase; by severity the
  // password (critical) comes before the email address (medium).
  const compiled = compileBundle(bundleWith({ defaults: { rule_timeout_ms: 3_600_000 } }));
  const text = 'mail jane@acme-corp.com, my password is hunter2!';
  let passwordAlone = false;
  for (let budgetMs = 1; budgetMs <= 60; budgetMs += 1) {
    const types = scan(compiled, text, { budgetMs, clock: fakeClock() }).findings.map((f) => f.type);
    assert.ok(['', 'PASSWORD', 'EMAIL,PASSWORD'].includes(types.join(',')), `${budgetMs}: ${types}`);
    passwordAlone ||= types.join(',') === 'PASSWORD';
  }
  assert.ok(passwordAlone);
});

test('without a budget the clock is never read', () => {
  const compiled = compileBundle(bundleWith({ defaults: { rule_timeout_ms: 1 } }));
  const clock = () => assert.fail('a scan without a budget read the clock');
  const text = `${EMAILS.join(' ')} card 4111 1111 1111 1111`;
  const result = scan(compiled, text, { budgetMs: Infinity, clock });
  assert.equal(result.complete, true);
  assert.equal(result.findings.length, EMAILS.length + 1);
  assert.equal(scan(compiled, text, { deadline: Infinity, clock }).complete, true);
});

test('a shared deadline spans several scans and overrides budgetMs', () => {
  const compiled = compileBundle(shippedBundle());
  const clock = fakeClock();
  const deadline = clock() + 1000;
  const first = scan(compiled, 'card 4111 1111 1111 1111', { deadline, clock });
  assert.equal(first.complete, true);
  assert.equal(first.verdict, 'block');
  clock.now = deadline; // the first paragraphs used the whole budget
  const second = scan(compiled, TEXT, { deadline, budgetMs: Infinity, clock });
  assert.deepEqual(second.findings, []);
  assert.equal(second.verdict, 'warn');
  assert.ok(second.incomplete.every((entry) => entry.reason === 'budget'));
  assert.ok(second.incomplete.some((entry) => entry.rule_id === 'credit-card'));
  const later = scan(compiled, TEXT, { deadline: clock() + 1000, budgetMs: 0, clock });
  assert.equal(later.complete, true);
});

test('overlap resolution stops when the budget runs out', () => {
  const compiled = compileBundle(shippedBundle());
  const rule = compiled.rules.find((r) => r.id === 'email-address');
  const candidates = Array.from({ length: 6 }, (_, i) => ({ rule, start: 10 * i, end: 10 * i + 5, score: 90 }));
  const clock = fakeClock();
  const incomplete = [];
  // Reads 1, 2 and 3 come before the deadline; the fourth check stops.
  const kept = resolveOverlaps(candidates, new Budget(4, 0, clock), incomplete);
  assert.deepEqual(kept, candidates.slice(0, 3));
  assert.equal(clock.reads, 4);
  assert.deepEqual(incomplete, [{ rule_id: 'email-address', reason: 'budget' }]);
  // A rule already listed (its pattern timed out) keeps its one entry.
  const listed = [{ rule_id: 'email-address', reason: 'timeout' }];
  resolveOverlaps(candidates, new Budget(4, 0, fakeClock()), listed);
  assert.deepEqual(listed, [{ rule_id: 'email-address', reason: 'timeout' }]);
});

/** The definition: most specific first, skipping anything overlapping. */
function naiveResolve(candidates) {
  const key = (c) => [-c.rule.priority, -c.score, c.start - c.end, c.start, c.rule.id];
  const compare = (a, b) => {
    for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  };
  const kept = [];
  for (const cand of [...candidates].sort((x, y) => compare(key(x), key(y)))) {
    if (kept.every((k) => cand.end <= k.start || cand.start >= k.end)) kept.push(cand);
  }
  return kept.sort((x, y) => compare([x.start, x.end, x.rule.id], [y.start, y.end, y.rule.id]));
}

test('overlap resolution matches the definition on random spans', () => {
  const rules = compileBundle(shippedBundle()).rules.slice(0, 4);
  let seed = 7;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 500; round += 1) {
    const candidates = Array.from({ length: random(40) }, () => {
      const start = random(41);
      return { rule: rules[random(4)], start, end: start + random(9), score: [50, 70, 90][random(3)] };
    });
    const unlimited = new Budget(Infinity, 50);
    assert.deepEqual(resolveOverlaps(candidates, unlimited, []), naiveResolve(candidates));
  }
});
