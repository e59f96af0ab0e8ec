// The JS context guards (extension/src/engine/guards/) against the vectors the
// Python guards pass (tests/conformance/test_guard_cases.py): the same findings
// in the same order (spans in code points, messages, masked previews, targets,
// suggestions), the same actions and the same verdict under the vectors' policy.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { compileGuards, contextFindings } from '../../extension/src/engine/guards/index.js';
import { applyPolicy, compilePolicy, policyPlatform } from '../../extension/src/engine/policy.js';

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const VECTORS = read('./guard_cases.json');
const BUNDLE = read('../../extension/rules/ruleset.json');
const GUARDS = compileGuards(BUNDLE);
const POLICY = compilePolicy(VECTORS.policy, BUNDLE.rules);

function decide(testCase, policyData = VECTORS.policy) {
  const context = testCase.context ?? null;
  const found = contextFindings(testCase.text, {
    context,
    policyData,
    guardData: GUARDS,
    platform: testCase.platform ?? null,
    today: testCase.today,
    groups: testCase.groups ?? [],
  });
  const where = policyPlatform(POLICY, testCase.platform ?? null);
  return { found, ...applyPolicy(POLICY, found, where, true, [], context?.audience ?? null) };
}

const covered = (text, finding) => Array.from(text).slice(finding.start, finding.end).join('');

test('the shipped bundle carries the guards', () => {
  assert.notEqual(GUARDS, null);
  assert.equal(compileGuards(BUNDLE), GUARDS, 'compiled once per bundle');
  assert.equal(compileGuards({ ...BUNDLE, guards: undefined }), null);
});

for (const testCase of VECTORS.cases) {
  test(`guard vector ${testCase.id}`, () => {
    const { findings, verdict } = decide(testCase);
    const expected = testCase.findings.map(({ value: _value, ...rest }) => rest);
    assert.deepEqual(findings, expected);
    // Same key order as Python's dicts, so the JSON the two engines send is alike.
    assert.deepEqual(findings.map(Object.keys), expected.map(Object.keys));
    assert.equal(verdict, testCase.verdict);
    findings.forEach((finding, n) => assert.equal(covered(testCase.text, finding), testCase.findings[n].value ?? ''));
  });
}

test('without organization no guard runs', () => {
  const rest = Object.fromEntries(Object.entries(VECTORS.policy).filter(([key]) => key !== 'organization'));
  for (const testCase of VECTORS.cases) assert.deepEqual(decide(testCase, rest).found, []);
});

test('a whole bundle may stand for its compiled guards', () => {
  const [testCase] = VECTORS.cases.filter((c) => c.findings.length);
  const options = { policyData: VECTORS.policy, platform: testCase.platform, today: testCase.today, context: testCase.context };
  assert.deepEqual(
    contextFindings(testCase.text, { ...options, guardData: BUNDLE }),
    contextFindings(testCase.text, { ...options, guardData: GUARDS }),
  );
});

test('offsets count code points: an emoji before a mention moves it by one', () => {
  const found = contextFindings('😀 @AcmeSupp0rt hi', {
    policyData: VECTORS.policy,
    guardData: GUARDS,
    platform: 'x',
    today: '2027-02-15',
  });
  assert.deepEqual(
    found.map((f) => [f.start, f.end]),
    [[2, 14]],
  );
});
