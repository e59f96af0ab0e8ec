// The time budget and the input cap: a JS RegExp cannot be interrupted, so the
// engine checks the clock between rules and between matches, and reports what
// it did not finish instead of passing silently.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileBundle, scan } from '../../extension/src/engine/index.js';
import { bundleWith, shippedBundle, syntheticRule } from './bundle-fixture.js';

const TEXT = 'card 4111 1111 1111 1111, password is hunter2, mail jane.doe@acme-corp.com';

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

test('a rule slow by design stops between matches with its id', () => {
  const slow = syntheticRule('slow-by-design', '[a-z](?=[a-z ]{0,40} )');
  const compiled = compileBundle(bundleWith({ rules: [slow], defaults: { rule_timeout_ms: 1 } }));
  const text = 'ab '.repeat(100000);
  const result = scan(compiled, text);
  assert.deepEqual(result.incomplete, [{ rule_id: 'slow-by-design', reason: 'timeout' }]);
  assert.equal(result.complete, false);
  assert.deepEqual(result.findings, []);
});

test('input over max_chars is cut at a code point and reported', () => {
  const compiled = compileBundle(bundleWith({ defaults: { max_chars: 12 } }));
  const kept = scan(compiled, '😀'.repeat(12));
  assert.deepEqual(kept.incomplete, []);
  const cut = scan(compiled, `${'😀'.repeat(12)} card 4111 1111 1111 1111`);
  assert.deepEqual(cut.incomplete, [{ rule_id: null, reason: 'truncated' }]);
  assert.deepEqual(cut.findings, []);
  assert.equal(cut.verdict, 'warn');
});
