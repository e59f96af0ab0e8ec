// The offline engine in its own Worker (engine-host/): the real engine and policy
// on a real thread, the bundle sent once per version, and a runaway pattern
// stopped by the watchdog (the thread is terminated and replaced).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEngineRunner, watchdogMs } from '../../extension/src/engine-host/engine-runner.js';
import { createWebWorker } from './helpers/web-worker.js';

const BUNDLE = JSON.parse(readFileSync(new URL('../../extension/rules/ruleset.json', import.meta.url), 'utf8'));
const WORKER_URL = new URL('../../extension/src/engine-host/engine-worker.js', import.meta.url);
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYXJpYSIsInJvbGUiOiJhZG1pbiJ9.p7Q2wN5xL0kR3vT8yB1mC6zH4dF9sA2gE7uJ0nK3qWc';
// Enough of the default policy for these findings; the parity test covers the rest.
const POLICY = {
  version: 1, mode: 'enforce', default_action: 'warn', on_incomplete: 'warn',
  actions: { credential: { high: 'block' }, account_number: { high: 'block_with_override' } },
  rules: {}, platforms: { x: null, other: null, linkedin: { rules: { jwt: 'warn' } } },
};
// One rule that backtracks exponentially in a JS RegExp: seconds on 40 characters.
const SLOW_RULE = {
  id: 'slow-rule', category: 'confidential', type: 'SLOW', severity: 'medium', message: 'slow',
  pattern: '(?:a|aa)+(?![a-z])', runtimes: ['python', 'js'],
};
const SLOW_BUNDLE = { ...BUNDLE, version: 'slow-1', rules: [SLOW_RULE], defaults: { ...BUNDLE.defaults, budget_ms: 50 } };
// The shipped rules with a budget no busy machine can use up: these tests are about
// the Worker and the policy, not the budget (which has its own tests).
const UNHURRIED = { ...BUNDLE, version: 'unhurried-1', defaults: { ...BUNDLE.defaults, budget_ms: 60_000 } };

function realRunner() {
  const workers = [];
  const runner = createEngineRunner({
    createWorker: () => {
      const w = createWebWorker(WORKER_URL);
      workers.push(w);
      return w;
    },
  });
  return { runner, workers };
}

test('the Worker answers with the policy decided: a JWT is blocked, on LinkedIn only warned', async (t) => {
  const { runner } = realRunner();
  t.after(() => runner.stop());
  runner.load({ key: 'k1', bundle: UNHURRIED, policy: POLICY });
  const result = await runner.scan(`token ${JWT} ok`, 'x');
  const jwt = result.findings.find((f) => f.rule_id === 'jwt');
  assert.equal(jwt.action, 'block');
  assert.equal(result.verdict, 'block');
  assert.equal(result.mode, 'enforce');
  const linkedin = await runner.scan(`token ${JWT} ok`, 'linkedin');
  assert.equal(linkedin.findings.find((f) => f.rule_id === 'jwt').action, 'warn');
  // A site the policy does not list is decided as "other".
  const unknown = await runner.scan(`token ${JWT} ok`, 'myspace');
  assert.equal(unknown.findings.find((f) => f.rule_id === 'jwt').action, 'block');
  assert.ok(!JSON.stringify(result).includes(JWT), 'no raw value in the answer');
});

test('a rule in simulation offline: by its own flag or the policy list, audited with its would-be action', async (t) => {
  const { runner } = realRunner();
  t.after(() => runner.stop());
  const flagged = {
    ...UNHURRIED,
    version: 'simulated-1',
    rules: UNHURRIED.rules.map((rule) => (rule.id === 'jwt' ? { ...rule, simulate: true } : rule)),
  };
  const cases = [
    ['flag', { key: 'sim-flag', bundle: flagged, policy: POLICY }],
    ['list', { key: 'sim-list', bundle: UNHURRIED, policy: { ...POLICY, simulate: ['jwt'] } }],
  ];
  for (const [how, inputs] of cases) {
    runner.load(inputs);
    for (const [platform, would] of [['x', 'block'], ['linkedin', 'warn']]) {
      const result = await runner.scan(`token ${JWT} ok`, platform);
      const jwt = result.findings.find((f) => f.rule_id === 'jwt');
      assert.deepEqual([jwt.action, jwt.simulated_action], ['audit', would], `${how} on ${platform}`);
      assert.equal(result.verdict, 'allow', how);
      assert.equal(result.mode, 'enforce', how);
    }
  }
});

test('the organisation lists the service serves in the bundle reach the offline engine', async (t) => {
  const { runner } = realRunner();
  t.after(() => runner.stop());
  // As GET /api/v1/rules/bundle serves it with internal_domains and confidential_terms set.
  const served = {
    ...UNHURRIED,
    version: 'with-org-1',
    org: { internal_domains: ['*.corp.fabrikam.net'], confidential_terms: ['Falcon'] },
  };
  const policy = { ...POLICY, actions: { confidential: { medium: 'warn', high: 'block_with_override', critical: 'block' } } };
  runner.load({ key: 'org-1', bundle: served, policy });
  const result = await runner.scan('#ProjectFalcon ships 2026-06-01, notes on https://wiki.corp.fabrikam.net/x', 'x');
  const found = result.findings.map((f) => [f.rule_id, f.severity, f.action]);
  assert.deepEqual(found, [
    ['confidential-term-high', 'critical', 'block'],
    ['internal-domain', 'medium', 'warn'],
  ]);
  assert.equal(result.verdict, 'block');
});

test('a runaway pattern is stopped: incomplete (timeout), and the restarted Worker still scans', async (t) => {
  const { runner, workers } = realRunner();
  t.after(() => runner.stop());
  runner.load({ key: 'slow', bundle: SLOW_BUNDLE, policy: POLICY });
  const started = Date.now();
  const result = await runner.scan(`${'a'.repeat(40)}b`, 'x');
  assert.ok(Date.now() - started < watchdogMs(SLOW_BUNDLE) + 5000, 'the watchdog answered');
  assert.equal(result.complete, false);
  assert.deepEqual(result.incomplete, [{ rule_id: null, reason: 'timeout' }]);
  assert.equal(result.verdict, 'warn');
  assert.deepEqual(result.findings, []);
  assert.equal(workers.length, 2);
  assert.ok(workers[0].terminated);
  // The new Worker got the bundle again without being asked.
  const after = await runner.scan('nothing to see', 'x');
  assert.equal(after.rules_version, 'slow-1');
  // An answer from the engine, not from the watchdog (whatever a busy machine
  // does to the 50 ms budget).
  assert.ok(!after.incomplete.some((gap) => gap.rule_id === null && gap.reason === 'timeout'));
});

function fakeWorker(log) {
  const worker = {
    postMessage(message) {
      log.push(message.op);
      if (message.op === 'scan') {
        const result = { verdict: 'allow', findings: [], complete: true, incomplete: [], rules_version: 'v' };
        queueMicrotask(() => worker.onmessage({ data: { id: message.id, result } }));
      }
    },
    terminate() {},
  };
  return worker;
}

test('the bundle goes to the Worker once per version, then only texts', async () => {
  const log = [];
  const runner = createEngineRunner({ createWorker: () => fakeWorker(log) });
  assert.equal(await runner.scan('x', 'x'), null, 'no bundle yet: no answer');
  runner.load({ key: 'a', bundle: BUNDLE, policy: POLICY });
  assert.ok(runner.has('a'));
  await Promise.all([runner.scan('1', 'x'), runner.scan('2', 'x'), runner.scan('3', 'x')]);
  runner.load({ key: 'b', bundle: BUNDLE, policy: POLICY });
  await runner.scan('4', 'x');
  assert.deepEqual(log, ['load', 'scan', 'scan', 'scan', 'load', 'scan']);
});

test('a Worker that fails to start answers null (unchecked), not a timeout', async () => {
  const runner = createEngineRunner({
    createWorker: () => {
      const worker = { postMessage: () => queueMicrotask(() => worker.onerror(new Error('404'))), terminate() {} };
      return worker;
    },
  });
  runner.load({ key: 'a', bundle: BUNDLE, policy: null });
  assert.equal(await runner.scan('x', 'x'), null);
});

test('the watchdog allows twice the budget plus a margin', () => {
  assert.equal(watchdogMs({ defaults: { budget_ms: 200 } }), 1400);
  assert.equal(watchdogMs({}), 1400);
});

test('the scan context reaches the Worker; without the guards, a policy that uses them says so', async (t) => {
  const { runner } = realRunner();
  t.after(() => runner.stop());
  const policy = { ...POLICY, organization: { names: ['Acme'], handles: { x: ['@AcmeSupport'] } } };
  runner.load({ key: 'k-ctx', bundle: UNHURRIED, policy });
  const context = { audience: 'reply', targets: [{ handle: '@AcmeSupp0rt', kind: 'reply_to' }] };
  const result = await runner.scan('', 'x', context);
  assert.ok(Array.isArray(result.findings));
  let guards = null;
  try {
    guards = await import('../../extension/src/engine/guards/index.js');
  } catch {
    // this build has no JS guards yet
  }
  if (!guards) assert.ok(result.not_run.some((r) => r.rule_id === 'context-guards'));
});
