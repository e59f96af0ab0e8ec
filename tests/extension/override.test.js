// "Post anyway" without free text: a reason from a fixed list, and a note whose
// text never leaves the page (only its length is recorded).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installDom } from './helpers/dom.js';

installDom();
const { createBanner, overrideChoice } = await import('../../extension/src/content/ui/banner.js');
const { createActionHandler } = await import('../../extension/src/content/session-actions.js');
const { REASON_CODES } = await import('../../extension/src/shared/override-reasons.js');

const NOTE = 'pw Summer2026! is only on the test box';
const FINDING = { rule_id: 'credit-card', category: 'account_number', type: 'CREDIT_CARD', preview: '•••• 1111', message: 'm' };

function view(extra = {}) {
  return { state: 'flagged', source: 'service', findings: [FINDING], notice: '', canOverride: true,
    reasonRequired: true, canMask: true, askReason: true, held: true, status: '', visible: true, ...extra };
}

// The banner's root is closed; reach it the way the page cannot.
function bannerWithRoot(onAction) {
  const attach = HTMLElement.prototype.attachShadow;
  let root = null;
  HTMLElement.prototype.attachShadow = function (init) {
    root = attach.call(this, init);
    return root;
  };
  try {
    return { banner: createBanner({ onAction }), root: () => root };
  } finally {
    HTMLElement.prototype.attachShadow = attach;
  }
}

test('the form offers exactly the fixed reasons, and says when one is required', () => {
  const { banner, root } = bannerWithRoot(() => {});
  banner.update(view());
  const codes = [...root().querySelectorAll('input[name="reason"]')].map((r) => r.value);
  assert.deepEqual(codes, REASON_CODES);
  assert.deepEqual(REASON_CODES, ['false_positive', 'test_data', 'already_public', 'approved', 'own_information', 'other']);
  assert.match(root().querySelector('legend').textContent, /required/);
  banner.update(view({ reasonRequired: false }));
  assert.match(root().querySelector('legend').textContent, /optional/);
  banner.destroy();
});

test('confirming hands over the reason code and the note length, never the note', () => {
  const seen = [];
  const { banner, root } = bannerWithRoot((action, data) => seen.push([action, data]));
  banner.update(view());
  root().querySelector('input[value="test_data"]').checked = true;
  root().querySelector('textarea[data-field="note"]').value = `  ${NOTE}  `;
  root().querySelector('[data-action="confirm-override"]').click();
  assert.deepEqual(seen, [['confirm-override', { reason: 'test_data', noteLength: [...NOTE].length }]]);
  assert.ok(!JSON.stringify(seen).includes('Summer'));
  assert.deepEqual(overrideChoice(document.createElement('div')), { reason: '', noteLength: 0 });
  banner.destroy();
});

function fakeSession(verdict) {
  return {
    verdict: { findings: [FINDING], rulesVersion: 'r1', reasonRequired: true, ...verdict },
    adapter: { platform: 'x' },
    ui: {},
    view: { render() {}, setStatus(text) { this.status = text; }, showReason() {} },
  };
}

function fakeEnv() {
  const sent = [];
  const released = [];
  return {
    sent,
    released,
    send: async (msg) => (sent.push(msg.event), { recorded: true }),
    release: (session) => released.push(session),
  };
}

test('Post anyway: a required reason is asked for; then the event has the code and the length', async () => {
  const env = fakeEnv();
  const onAction = createActionHandler(env);
  const session = fakeSession();
  await onAction(session, 'confirm-override', { reason: '', noteLength: 5 });
  assert.equal(env.sent.length, 0);
  assert.equal(env.released.length, 0);
  assert.match(session.view.status, /choose why/);
  await onAction(session, 'confirm-override', { reason: 'approved', noteLength: 38 });
  assert.deepEqual(env.sent, [{ rule_ids: ['credit-card'], categories: ['account_number'], action: 'overridden',
    platform: 'x', rules_version: 'r1', reason: 'approved', note_length: 38 }]);
  assert.equal(env.released.length, 1);
});

test('a warning needs no reason; a made-up reason code is not sent', async () => {
  const env = fakeEnv();
  const onAction = createActionHandler(env);
  await onAction(fakeSession({ reasonRequired: false }), 'confirm-override', { reason: 'my own words', noteLength: 3 });
  assert.equal(env.sent[0].reason, undefined);
  assert.equal(env.sent[0].note_length, undefined);
  assert.equal(env.released.length, 1);
});

test('Report false positive sends the reason false_positive', async () => {
  const env = fakeEnv();
  await createActionHandler(env)(fakeSession(), 'report');
  assert.equal(env.sent[0].action, 'reported_false_positive');
  assert.equal(env.sent[0].reason, 'false_positive');
});
