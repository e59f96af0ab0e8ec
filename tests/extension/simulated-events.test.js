// Rules in simulation reach the audit log with the post: their ids among the
// 'posted' event's rule_ids, and with `simulated`, the action each would have
// had, so admins can count how often a rule would fire before enforcing it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildEvent } from '../../extension/src/background/event-payload.js';
import { recordEvent } from '../../extension/src/content/session-actions.js';
import { evaluate } from '../../extension/src/content/verdict.js';

const finding = (ruleId, category, action, simulated) => ({
  rule_id: ruleId, category, type: 'T', severity: 'high', start: 0, end: 4, preview: '••••', message: 'm',
  action, ...(simulated ? { simulated_action: simulated } : {}),
});

async function postedEvent(findings) {
  const sent = [];
  const env = { send: async (msg) => (sent.push(msg.event), { recorded: true }) };
  const verdict = evaluate({ source: 'service', verdict: 'allow', complete: true, mode: 'enforce', findings });
  const session = { verdict: { ...verdict, rulesVersion: 'r1' }, adapter: { platform: 'x' } };
  await recordEvent(env, session, 'posted', {}, verdict.audit);
  return { verdict, event: sent[0] };
}

test('a simulated finding is shown to nobody and recorded with the post, with its would-be action', async () => {
  const { verdict, event } = await postedEvent([
    finding('credit-card', 'account_number', 'audit', 'warn'),
    finding('credit-card', 'account_number', 'audit', 'block_with_override'), // escalated: the strongest counts
    finding('phone-number', 'pii', 'audit'), // a plain audit finding
    finding('jwt', 'credential', 'audit', 'block'),
  ]);
  assert.equal(verdict.state, 'clean');
  assert.equal(verdict.hold, false);
  assert.deepEqual(verdict.findings, []);
  assert.deepEqual(event.rule_ids, ['credit-card', 'phone-number', 'jwt']);
  assert.deepEqual(event.simulated, [
    { rule_id: 'credit-card', action: 'block_with_override' },
    { rule_id: 'jwt', action: 'block' },
  ]);
  assert.deepEqual(buildEvent(event).event, event, 'the background passes it on as it is');
});

test('an event without simulated findings carries no simulated field', async () => {
  const { event } = await postedEvent([finding('phone-number', 'pii', 'audit')]);
  assert.equal('simulated' in event, false);
});

test('the background copies only rule ids of the event and known actions', () => {
  const base = { rule_ids: ['jwt', 'iban'], categories: ['credential'], action: 'posted', platform: 'x', rules_version: 'r1' };
  const extra = { rule_id: 'jwt', action: 'block', value: 'eyJhbGciOi', text: 'my token' };
  assert.deepEqual(buildEvent({ ...base, simulated: [extra] }).event.simulated, [{ rule_id: 'jwt', action: 'block' }]);
  for (const bad of [
    'jwt',
    [{ rule_id: 'aws-access-key', action: 'block' }], // not among rule_ids
    [{ rule_id: 'jwt', action: 'block' }, { rule_id: 'jwt', action: 'warn' }],
    [{ rule_id: 'jwt', action: 'shred' }],
    [{ rule_id: 'jwt' }],
    [null],
    Array.from({ length: 51 }, () => ({ rule_id: 'jwt', action: 'warn' })),
  ]) {
    assert.ok(buildEvent({ ...base, simulated: bad }).error, JSON.stringify(bad).slice(0, 80));
  }
});
