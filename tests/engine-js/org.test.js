// Rules built from the organisation's lists (bundle `org`, engine/org.js):
// internal domains and confidential terms, and the `escalate` field they use.
// The cases in tests/conformance/org_cases.json run here and in
// tests/engine/test_org_rules.py; test_org_parity.py compares the rules built.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { BundleError, compileBundle, ruleKinds, scan } from '../../extension/src/engine/index.js';
import { caseless, compareCodePoints } from '../../extension/src/engine/org.js';
import { bundleWith, covered, shippedBundle, syntheticRule } from './bundle-fixture.js';

const CASES = JSON.parse(readFileSync(new URL('../conformance/org_cases.json', import.meta.url), 'utf8'));
const ORG_RULE = /^(?:internal-domain$|confidential-term-)/;
const UNHURRIED = { budget_ms: 600_000, rule_timeout_ms: 600_000 };

function orgBundle(org = CASES.org, changes = {}) {
  return { ...bundleWith({ defaults: UNHURRIED }), org, ...changes };
}

function orgFindings(compiled, text, anchored = true) {
  return scan(compiled, text, { budgetMs: Infinity, anchored })
    .findings.filter((f) => ORG_RULE.test(f.rule_id))
    .map((f) => [f.rule_id, covered(text, f), f.severity]);
}

test('every org case: the findings, anchored and over the whole text', () => {
  const compiled = compileBundle(orgBundle());
  for (const c of CASES.cases) {
    assert.deepEqual(orgFindings(compiled, c.text), c.found, c.why);
    assert.deepEqual(orgFindings(compiled, c.text, false), c.found, `${c.why} (whole text)`);
  }
});

test('an unusable entry is refused, naming it', () => {
  for (const c of CASES.errors) {
    assert.throws(
      () => compileBundle(orgBundle(c.org)),
      (error) => error instanceof BundleError && error.message.includes(c.message),
      c.why,
    );
  }
});

test('one rule per severity, each with its kind', () => {
  const compiled = compileBundle(orgBundle());
  const ids = compiled.rules.map((r) => r.id).filter((id) => ORG_RULE.test(id));
  assert.deepEqual(ids.sort(), [
    'confidential-term-critical',
    'confidential-term-high',
    'confidential-term-medium',
    'internal-domain',
  ]);
  assert.deepEqual(ruleKinds(compiled, ['internal-domain']), [
    { rule_id: 'internal-domain', category: 'confidential', severity: 'medium' },
  ]);
});

test('no lists, no rules; lists without templates are refused', () => {
  const plain = compileBundle(orgBundle({}));
  assert.ok(!plain.rules.some((r) => ORG_RULE.test(r.id)));
  const noTemplates = orgBundle({ internal_domains: ['jira.tailspin.io'] }, { org_rules: undefined });
  assert.throws(() => compileBundle(noTemplates), /no org_rules\.internal_domains/);
});

test('the compile cache tells bundles apart by their lists, not only by version', () => {
  const base = shippedBundle();
  const first = compileBundle({ ...base, org: { confidential_terms: ['Falcon'] } });
  const second = compileBundle({ ...base, org: { confidential_terms: ['Osprey'] } });
  assert.notEqual(first, second);
  assert.equal(compileBundle({ ...base, org: { confidential_terms: ['Falcon'] } }), first);
  assert.equal(scan(second, 'Falcon').findings.length, 0);
  assert.equal(scan(first, 'Falcon').findings[0].rule_id, 'confidential-term-high');
});

test('escalation raises the verdict and keeps the finding first under the cap', () => {
  const compiled = compileBundle(orgBundle());
  assert.equal(scan(compiled, 'Osprey GA in Q3', { budgetMs: Infinity }).verdict, 'block');
  assert.equal(scan(compiled, 'Osprey standup', { budgetMs: Infinity }).verdict, 'warn');
  const capped = compileBundle(orgBundle(CASES.org, { defaults: { ...shippedBundle().defaults, ...UNHURRIED, max_findings: 1 } }));
  const text = `Osprey again. ${'z'.repeat(100)} Osprey ships in May 2026`;
  const result = scan(capped, text, { budgetMs: Infinity });
  assert.equal(result.findings_omitted, 1);
  assert.equal(result.findings[0].severity, 'critical');
  assert.ok(result.findings[0].start > 10);
});

test('escalate on a bundle rule and on a copy that detects alike', () => {
  const { escalate: template } = shippedBundle().org_rules.confidential_terms;
  const escalate = { ...template, severity: 'high', window: 20 };
  const pattern = '(?<![A-Za-z])[Bb]lue[ ]?[Jj]ay(?![A-Za-z])';
  const severities = (rules, text) =>
    scan(compileBundle(bundleWith({ rules, defaults: UNHURRIED })), text, { budgetMs: Infinity }).findings.map((f) => [
      f.rule_id,
      f.severity,
    ]);
  const base = syntheticRule('blue-jay', pattern, { severity: 'low', escalate });
  assert.deepEqual(severities([base], 'BlueJay launches soon'), [['blue-jay', 'high']]);
  assert.deepEqual(severities([base], 'BlueJay is fine'), [['blue-jay', 'low']]);
  assert.deepEqual(severities([base], `BlueJay ${'z'.repeat(30)} launches`), [['blue-jay', 'low']]);
  const copy = syntheticRule('blue-jay-copy', pattern, { severity: 'medium', priority: 10, escalate });
  assert.deepEqual(severities([base, copy], 'BlueJay launches'), [['blue-jay-copy', 'high']]);
  assert.deepEqual(severities([base, copy], 'BlueJay'), [['blue-jay-copy', 'medium']]);
  const top = syntheticRule('blue-jay', pattern, { severity: 'critical', escalate });
  assert.deepEqual(severities([top], 'BlueJay launches'), [['blue-jay', 'critical']]);
});

test('caseless keeps one-character case forms only; code point order like Python', () => {
  assert.equal(caseless('Fa'), '[fF][aA]');
  assert.equal(caseless('ß'), 'ß');
  assert.equal(caseless('x.y'), '[xX]\\.[yY]');
  assert.equal(caseless('7#'), '7#');
  // U+FF5E sorts before U+1F600 by UTF-16 unit, after it by code point.
  assert.ok(compareCodePoints('\uff5e', '\u{1f600}') < 0);
  assert.ok(compareCodePoints('\u{1f600}', '\uffff') > 0);
});
