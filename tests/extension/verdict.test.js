import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTICES, evaluate, notRunNotice, tooLongNotice } from '../../extension/src/content/verdict.js';
import { createVerdictCache } from '../../extension/src/content/verdict-cache.js';

const card = (action) => ({ rule_id: 'credit-card', category: 'account_number', type: 'CREDIT_CARD',
  severity: 'high', start: 5, end: 24, preview: '•••• 1111', message: 'm', policy_url: 'https://p', action });
const service = (findings, extra = {}) => ({ source: 'service', verdict: 'x', findings, complete: true,
  rules_version: 'r1', ...extra });

test('clean service result: nothing held', () => {
  const v = evaluate(service([]));
  assert.equal(v.state, 'clean');
  assert.equal(v.hold, false);
  assert.equal(v.notice, '');
});

test('block_with_override: held, override allowed with a reason', () => {
  const v = evaluate(service([card('block_with_override')]));
  assert.equal(v.state, 'flagged');
  assert.equal(v.hold, true);
  assert.equal(v.canOverride, true);
  assert.equal(v.reasonRequired, true);
  assert.equal(v.rulesVersion, 'r1');
});

test('warn: held, override without a required reason', () => {
  const v = evaluate(service([card('warn')]));
  assert.equal(v.canOverride, true);
  assert.equal(v.reasonRequired, false);
});

test('block: no Post anyway', () => {
  const v = evaluate(service([card('warn'), card('block')]));
  assert.equal(v.canOverride, false);
  assert.equal(v.findings.length, 2);
});

test('audit-only findings are not shown and do not hold', () => {
  const v = evaluate(service([card('audit')]));
  assert.equal(v.state, 'clean');
  assert.equal(v.hold, false);
  assert.equal(v.audit.length, 1);
});

test('offline results keep the policy actions: a blocked JWT stays blocked', () => {
  const jwt = { ...card('block'), rule_id: 'jwt', category: 'credential' };
  const v = evaluate({ source: 'offline', reason: 'unreachable', findings: [jwt], complete: true });
  assert.equal(v.state, 'flagged');
  assert.equal(v.findings[0].action, 'block');
  assert.equal(v.canOverride, false);
  assert.equal(v.notice, NOTICES.offline);
});

test('a finding without a known action is held and needs a reason (no guess from severity)', () => {
  const { action, ...noAction } = card();
  assert.equal(action, undefined);
  for (const finding of [{ ...noAction, severity: 'low' }, { ...noAction, action: 'shrug' }]) {
    const v = evaluate({ source: 'offline', findings: [finding], complete: true });
    assert.equal(v.findings[0].action, 'block_with_override');
    assert.equal(v.hold, true);
    assert.equal(v.reasonRequired, true);
  }
});

test('busy and unpaired say so, not "service is not running"; rules not run offline are named', () => {
  const notRun = [{ rule_id: 'phone-number', name: 'Phone number' }, { rule_id: 'us-ssn-unformatted', name: 'US SSN (no dashes)' }];
  const busy = evaluate({ source: 'offline', reason: 'busy', findings: [card('warn')], complete: true, not_run: notRun });
  assert.equal(busy.notice, `${NOTICES.busy} Not checked offline: Phone number, US SSN (no dashes).`);
  assert.ok(!busy.notice.includes('not running'));
  const unpaired = evaluate({ source: 'offline', reason: 'unpaired', findings: [card('warn')], complete: true });
  assert.equal(unpaired.notice, NOTICES.unpaired);
  const refused = evaluate({ source: 'offline', reason: 'rejected', findings: [card('warn')], complete: true });
  assert.equal(refused.notice, NOTICES.refused);
  const many = Array.from({ length: 8 }, (_, i) => ({ rule_id: `r${i}`, name: `Rule ${i}` }));
  assert.equal(notRunNotice(many), 'Not checked offline: Rule 0, Rule 1, Rule 2, Rule 3, Rule 4, Rule 5 and 2 more.');
});

test('an incomplete result with nothing found is held like a warning, never clean', () => {
  const tooLong = evaluate(service([], { complete: false, max_chars: 100000,
    incomplete: [{ rule_id: null, reason: 'too_long' }] }));
  assert.equal(tooLong.state, 'flagged');
  assert.equal(tooLong.hold, true);
  assert.equal(tooLong.canOverride, true);
  assert.equal(tooLong.reasonRequired, false);
  assert.equal(tooLong.notice, 'Only the first 100,000 characters were checked.');
  assert.equal(tooLongNotice(100000), tooLong.notice);
  for (const reason of ['budget', 'timeout']) {
    const v = evaluate({ source: 'offline', reason: 'unreachable', findings: [], complete: false, incomplete: [{ rule_id: 'x', reason }] });
    assert.equal(v.state, 'flagged');
    assert.equal(v.notice, `${NOTICES.offline} ${NOTICES.outOfTime}`);
  }
  const unknown = evaluate(service([], { complete: false, incomplete: [{ rule_id: 'x', reason: 'new-reason' }] }));
  assert.equal(unknown.notice, NOTICES.partial);
});

test('incomplete with findings: the notice joins them; on_incomplete "block" takes Post anyway away', () => {
  const both = evaluate(service([card('warn')], { complete: false, incomplete: [{ rule_id: null, reason: 'too_long' }], max_chars: 10 }));
  assert.equal(both.findings.length, 1);
  assert.ok(both.notice.includes('Only the first 10 characters'));
  assert.equal(both.canOverride, true);
  const blocked = evaluate(service([], { verdict: 'block', complete: false, incomplete: [{ rule_id: null, reason: 'budget' }] }));
  assert.equal(blocked.state, 'flagged');
  assert.equal(blocked.canOverride, false);
});

test('simulation mode shows nothing, gaps included', () => {
  const v = evaluate(service([{ ...card('audit'), simulated_action: 'block' }], { mode: 'simulation', verdict: 'allow',
    complete: false, incomplete: [{ rule_id: null, reason: 'too_long' }] }));
  assert.equal(v.state, 'clean');
  assert.equal(v.hold, false);
});

test('offline and fail closed: clean text is held, no override', () => {
  const clean = evaluate({ source: 'offline', findings: [], complete: true }, { failPolicy: 'closed' });
  assert.equal(clean.state, 'unchecked');
  assert.equal(clean.hold, true);
  const flagged = evaluate({ source: 'offline', findings: [card('warn')] }, { failPolicy: 'closed' });
  assert.equal(flagged.canOverride, false);
  const open = evaluate({ source: 'offline', findings: [], complete: true }, { failPolicy: 'open' });
  assert.equal(open.state, 'clean');
  assert.equal(open.hold, false);
});

test('unchecked (no service, no engine): fail policy decides', () => {
  assert.equal(evaluate({ source: 'unchecked' }, { failPolicy: 'open' }).hold, false);
  const closed = evaluate({ source: 'unchecked' }, { failPolicy: 'closed' });
  assert.equal(closed.hold, true);
  assert.equal(closed.state, 'unchecked');
});

test('an orphaned content script asks for a tab reload', () => {
  const v = evaluate({ source: 'unchecked', reason: 'extension-reloaded' });
  assert.equal(v.notice, NOTICES.reload);
});

test('an incomplete service scan under fail closed: held, no Post anyway', () => {
  const v = evaluate(service([], { complete: false }), { failPolicy: 'closed' });
  assert.equal(v.state, 'unchecked');
  assert.equal(v.hold, true);
  assert.equal(v.canOverride, false);
  assert.ok(v.notice.includes(NOTICES.partial));
  assert.ok(v.notice.includes(NOTICES.closed));
});

test('verdict cache: LRU bound, offline entries expire, unchecked never stored', () => {
  let now = 0;
  const cache = createVerdictCache({ max: 2, now: () => now });
  cache.set('a', { source: 'service' });
  cache.set('b', { source: 'service' });
  cache.get('a'); // a is now the most recent
  cache.set('c', { source: 'service' });
  assert.equal(cache.get('b'), null);
  assert.ok(cache.get('a'));
  cache.set('o', { source: 'offline' });
  assert.ok(cache.get('o'));
  cache.set('i', { source: 'service', complete: false });
  now = 6000;
  assert.equal(cache.get('o'), null);
  assert.equal(cache.get('i'), null);
  cache.set('u', { source: 'unchecked' });
  assert.equal(cache.get('u'), null);
});
