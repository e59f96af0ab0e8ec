// The limits of one scan: the bundle's max_chars (never a silent cut), the
// findings cap (most severe first, the verdict counts them all) and the rules this
// runtime cannot run (listed in every result).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BundleError, compileBundle, scan } from '../../extension/src/engine/index.js';
import { bundleWith, covered, shippedBundle } from './bundle-fixture.js';

const CARD = '4111 1111 1111 1111';
const compiled = compileBundle(shippedBundle());
// No time budget a busy machine could use up: these tests are about the limits.
const unhurried = { budgetMs: Infinity };

test('the length limit is the max_chars of the bundle', () => {
  assert.equal(compiled.defaults.max_chars, 100_000);
});

test('a secret just past max_chars is too_long and never allow', () => {
  const limit = compiled.defaults.max_chars;
  const text = `${'x'.repeat(limit - 3)} card ${CARD}`; // the card starts past the limit
  const result = scan(compiled, text, unhurried);
  assert.deepEqual(result.findings, []);
  assert.equal(result.complete, false);
  assert.deepEqual(result.incomplete, [{ rule_id: null, reason: 'too_long' }]);
  assert.equal(result.verdict, 'warn');
});

test('text of exactly max_chars is complete', () => {
  const limit = compiled.defaults.max_chars;
  const text = `${'x'.repeat(limit - CARD.length - 1)} ${CARD}`;
  const result = scan(compiled, text, unhurried);
  assert.equal(result.complete, true);
  assert.equal(result.verdict, 'block');
});

test('input over max_chars is cut at a code point and keeps what came before', () => {
  const small = compileBundle(bundleWith({ defaults: { max_chars: 12 } }));
  assert.deepEqual(scan(small, '😀'.repeat(12), unhurried).incomplete, []);
  const cut = scan(small, `${'😀'.repeat(12)} card ${CARD}`, unhurried);
  assert.deepEqual(cut.incomplete, [{ rule_id: null, reason: 'too_long' }]);
  assert.deepEqual(cut.findings, []);
  assert.equal(cut.verdict, 'warn');
  const early = compileBundle(bundleWith({ defaults: { max_chars: 40 } }));
  const kept = scan(early, `card ${CARD} ${'x'.repeat(200)}`, unhurried);
  assert.deepEqual(kept.findings.map((f) => f.type), ['CREDIT_CARD']);
  assert.equal(kept.verdict, 'block');
});

/** 150 email addresses (medium), then two cards (high) and an AWS key (critical). */
function manyFindings() {
  const mails = Array.from({ length: 150 }, (_, i) => `u${i}@acme-corp.com`).join(' ');
  return `${mails} card ${CARD} card 5500-0000-0000-0004 key AKIAZ7QF3RTYUIOPLKJH`;
}

test('findings are capped most severe first and listed by position', () => {
  const text = manyFindings();
  const result = scan(compiled, text, unhurried);
  assert.equal(result.complete, true);
  assert.equal(result.findings.length, 100);
  assert.equal(result.findings_omitted, 53);
  const starts = result.findings.map((f) => f.start);
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
  assert.deepEqual(result.findings.slice(-3).map((f) => f.type), ['CREDIT_CARD', 'CREDIT_CARD', 'SECRET']);
  const emails = result.findings.filter((f) => f.type === 'EMAIL');
  assert.equal(emails.length, 97);
  assert.equal(covered(text, emails.at(-1)), 'u96@acme-corp.com');
  assert.deepEqual(result.omitted_rules, ['email-address']);
});

test('findings_omitted is 0 below the cap and the verdict counts unlisted findings', () => {
  assert.equal(scan(compiled, `card ${CARD}`, unhurried).findings_omitted, 0);
  // Medium findings block and high ones only warn here: a block can come only
  // from the email address the cap of one leaves out.
  const verdicts = { ...shippedBundle().defaults.verdicts, medium: 'block', high: 'warn' };
  const capped = compileBundle(bundleWith({ defaults: { max_findings: 1, verdicts } }));
  const result = scan(capped, `mail jane@acme-corp.com card ${CARD}`, unhurried);
  assert.deepEqual(result.findings.map((f) => f.type), ['CREDIT_CARD']);
  assert.equal(result.findings_omitted, 1);
  assert.deepEqual(result.omitted_rules, ['email-address']);
  assert.equal(result.verdict, 'block');
});

test('every result lists the rules this runtime cannot run, with their names', () => {
  const bundle = shippedBundle();
  const backendOnly = bundle.rules
    .filter((rule) => !rule.runtimes.includes('js'))
    .map((rule) => ({ rule_id: rule.id, name: rule.name }))
    .sort((a, b) => (a.rule_id < b.rule_id ? -1 : 1));
  assert.ok(backendOnly.some((entry) => entry.rule_id === 'phone-number' && entry.name === 'Phone number'));
  assert.deepEqual(scan(compiled, 'hello').not_run, backendOnly);
  assert.deepEqual(scan(compiled, 'hello', { budgetMs: 0 }).not_run, backendOnly);
  assert.deepEqual(scan(compiled, 'x', { only: ['phone-number', 'credit-card'] }).not_run, [
    { rule_id: 'phone-number', name: 'Phone number' },
  ]);
});

test('bad limits in the bundle are a BundleError', () => {
  for (const key of ['max_chars', 'max_findings']) {
    for (const value of [0, -1, 1.5, '100', null]) {
      assert.throws(() => compileBundle(bundleWith({ defaults: { [key]: value } })), BundleError);
    }
  }
});
