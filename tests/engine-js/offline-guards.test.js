// The offline engine's decision with the context guards (engine-host/offline-result.js):
// the acceptance drafts under the policy, the audience override,
// the cap on findings (decide.py's: the most severe kept, the rest counted for
// the verdict) and the device's local date.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { GUARDS_NOT_RUN, decide, localDate, withGuards } from '../../extension/src/engine-host/offline-result.js';
import { compileBundle, ruleKinds, scan } from '../../extension/src/engine/index.js';
import { compileGuards } from '../../extension/src/engine/guards/index.js';
import { compilePolicy } from '../../extension/src/engine/policy.js';
import { bundleWith, shippedBundle } from './bundle-fixture.js';

const VECTORS = JSON.parse(readFileSync(new URL('../conformance/guard_cases.json', import.meta.url), 'utf8'));
const POLICY_DATA = VECTORS.policy;
const BUNDLE = shippedBundle();
const COMPILED = compileBundle(BUNDLE);
const POLICY = compilePolicy(POLICY_DATA, BUNDLE.rules);
const TODAY = '2026-12-02'; // inside the Q3 blackout

function offline(text, { context = null, platform = 'x', bundle = BUNDLE, compiled = COMPILED, today = TODAY } = {}) {
  const result = scan(compiled, text);
  const guarded = withGuards(result, compileGuards(bundle), { text, context, platform, bundle, policyData: POLICY_DATA, today });
  return decide(POLICY, guarded, platform, ruleKinds(compiled, result.omitted_rules), context);
}

const rules = (answer) => answer.findings.map((f) => [f.rule_id, f.action]);

test('the acceptance drafts decide offline as the service does', () => {
  const results = offline('Acme Q3 revenue numbers look great, we beat guidance');
  assert.equal(results.verdict, 'block');
  assert.deepEqual(rules(results), [
    ['quiet-period', 'block'],
    ['affiliation-disclosure', 'warn'],
  ]);
  const praise = offline('I love the new Acme phone, best camera ever');
  assert.equal(praise.verdict, 'warn');
  assert.deepEqual(praise.findings[0].suggestion, { kind: 'append', text: '#AcmeEmployee' });
  const impostor = offline('@AcmeSupp0rt my order never arrived');
  assert.equal(impostor.verdict, 'warn');
  assert.match(impostor.findings[0].message, /@AcmeSupport/);
  assert.equal(offline('lunch at noon with the team').verdict, 'allow');
});

test('the context: its audience picks the policy override, its targets are judged, its groups open windows', () => {
  const text = 'Acme Q3 revenue numbers are in';
  assert.equal(offline(text, { context: { audience: 'dm' } }).verdict, 'warn');
  assert.equal(offline(text, { context: { audience: 'public' } }).verdict, 'block');
  // The audience alone, as a string, also works.
  const result = scan(COMPILED, text);
  const guarded = withGuards(result, null, { text, platform: 'x', bundle: BUNDLE, policyData: POLICY_DATA, today: TODAY });
  assert.equal(decide(POLICY, guarded, 'x', [], 'dm').verdict, 'warn');
  const reply = offline('', { context: { audience: 'reply', targets: [{ handle: '@AcmeSupp0rt', kind: 'reply_to' }] } });
  assert.deepEqual(
    reply.findings.map((f) => [f.start, f.end, f.target]),
    [[0, 0, 'reply_to']],
  );
  const close = '2027-03-25'; // the finance close: only for the finance group
  assert.equal(offline(text, { today: close }).findings.length, 0);
  assert.equal(offline(text, { today: close, context: { groups: ['finance'] } }).verdict, 'block');
});

test('without a policy organisation, or a bundle without guards, the result is the engine\'s', () => {
  const text = 'Acme Q3 revenue';
  const result = scan(COMPILED, text);
  assert.equal(withGuards(result, null, { text, bundle: BUNDLE, policyData: { ...POLICY_DATA, organization: undefined }, today: TODAY }), result);
  // A bundle older than the guards: listed as not run, since the policy uses them.
  const older = withGuards(result, null, { text, bundle: { ...BUNDLE, guards: undefined }, policyData: POLICY_DATA, today: TODAY });
  assert.deepEqual(older.findings, result.findings);
  assert.deepEqual(older.not_run.slice(result.not_run.length), [GUARDS_NOT_RUN]);
  assert.equal(withGuards(result, null, { text, bundle: BUNDLE, policyData: null, today: TODAY }), result);
});

test('the guards keep to max_findings: the most severe listed, the rest counted', () => {
  const bundle = bundleWith({ defaults: { max_findings: 1 } });
  const compiled = compileBundle(bundle);
  // A quiet-period finding (critical) and an impostor (high): one is listed.
  const text = '@AcmeSupp0rt Acme Q3 revenue';
  const answer = offline(text, { bundle, compiled });
  assert.deepEqual(rules(answer), [['quiet-period', 'block']]);
  assert.equal(answer.findings_omitted, 1);
  // The cut finding still decides: in a DM the quiet period only warns, and an
  // impostor left out of the list would too; with a block for impostors, it blocks.
  const strict = compilePolicy(
    { ...POLICY_DATA, audiences: { dm: { actions: { context: { critical: 'audit' } }, rules: { 'impostor-handle': 'block' } } } },
    bundle.rules,
  );
  const context = { audience: 'dm' };
  const result = scan(compiled, text);
  const guarded = withGuards(result, null, { text, context, platform: 'x', bundle, policyData: POLICY_DATA, today: TODAY });
  const decided = decide(strict, guarded, 'x', [], context);
  assert.deepEqual(rules(decided), [['quiet-period', 'audit']]);
  assert.equal(decided.verdict, 'block');
});

test('the engine/guards module may stand for the compiled guards', async () => {
  const text = 'Acme Q3 revenue';
  const result = scan(COMPILED, text);
  const options = { text, platform: 'x', bundle: BUNDLE, policyData: POLICY_DATA, today: TODAY };
  const module = await import('../../extension/src/engine/guards/index.js');
  assert.deepEqual(withGuards(result, module, options), withGuards(result, compileGuards(BUNDLE), options));
  assert.equal(withGuards(result, module, options).findings.at(-1).rule_id, 'quiet-period');
});

test('today is the local date, not the UTC one', () => {
  assert.equal(localDate(new Date(2026, 11, 31, 23, 59)), '2026-12-31');
  assert.equal(localDate(new Date(2027, 0, 1, 0, 1)), '2027-01-01');
  assert.match(localDate(), /^\d{4}-\d{2}-\d{2}$/);
});
