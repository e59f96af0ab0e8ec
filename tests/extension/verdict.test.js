import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTICES, defaultAction, evaluate } from '../../extension/src/content/verdict.js';
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

test('offline results get actions from severity and say limited protection', () => {
  assert.equal(defaultAction('critical'), 'block_with_override');
  assert.equal(defaultAction('low'), 'warn');
  const { action, ...noAction } = card();
  assert.equal(action, undefined);
  const v = evaluate({ source: 'offline', findings: [noAction], complete: true });
  assert.equal(v.state, 'flagged');
  assert.equal(v.findings[0].action, 'block_with_override');
  assert.equal(v.notice, NOTICES.offline);
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

test('an incomplete service scan is a gap like offline', () => {
  const v = evaluate(service([], { complete: false }), { failPolicy: 'closed' });
  assert.equal(v.state, 'unchecked');
  assert.ok(v.notice.includes(NOTICES.partial));
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
  now = 6000;
  assert.equal(cache.get('o'), null);
  cache.set('u', { source: 'unchecked' });
  assert.equal(cache.get('u'), null);
});
