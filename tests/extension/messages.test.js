import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { MSG } from '../../extension/src/shared/message-types.js';
import { ServiceError } from '../../extension/src/background/service-client.js';
import { createHandlers } from '../../extension/src/background/messages.js';
import { createStatus } from '../../extension/src/background/status.js';
import { installChrome } from './helpers/chrome-stub.js';
import { mergeSettings } from '../../extension/src/shared/settings.js';

const EXT_ID = 'bdjldkhffmlmhngiojpjiponmegeadcm';
const CONTENT = { id: EXT_ID, tab: { id: 9, url: 'https://x.com/home' }, url: 'https://x.com/home' };
const PAGE = { id: EXT_ID, url: `chrome-extension://${EXT_ID}/src/popup/popup.html` };
const CARD_RESULT = { verdict: 'block', findings: [{ rule_id: 'credit-card' }], rules_version: 'r1', complete: true };

let client;
let router;
let saved;

function setup({ managed = {}, local = { token: 't' } } = {}) {
  installChrome();
  saved = null;
  client = {
    calls: [],
    scan: async (s, payload) => (client.calls.push(['scan', payload]), client.scanImpl(payload)),
    scanImpl: async () => CARD_RESULT,
    health: async () => ({ version: '0.1.0', rules_version: 'r1' }),
    sendEvent: async (s, e) => (client.calls.push(['event', e]), client.eventImpl(e)),
    eventImpl: async () => ({ id: 1 }),
  };
  const settings = {
    load: async () => mergeSettings({ local, managed }),
    save: async (values) => ((saved = values), { saved: Object.keys(values), errors: {} }),
  };
  const rules = { current: async () => ({ bundle: { version: 'b7', rules: [] }, source: 'packaged' }), sync: async () => ({}) };
  const sites = { sync: async () => ({ registered: [], missing: [] }) };
  router = createHandlers({ settings, client, rules, status: createStatus(), sites, extId: EXT_ID });
}

beforeEach(() => setup());

test('scan goes to the service and says so', async () => {
  const reply = await router.dispatch({ type: MSG.SCAN, text: 'card 4111', platform: 'x', locale: 'en-US' }, CONTENT);
  assert.equal(reply.source, 'service');
  assert.equal(reply.failPolicy, 'open');
  assert.deepEqual(reply.findings, CARD_RESULT.findings);
  assert.deepEqual(client.calls[0], ['scan', { text: 'card 4111', platform: 'x', locale: 'en-US' }]);
});

test('service down: offline answer names the bundle, badge says limited', async () => {
  client.scanImpl = async () => { throw new ServiceError('unreachable'); };
  const reply = await router.dispatch({ type: MSG.SCAN, text: 'card', platform: 'x' }, CONTENT);
  assert.deepEqual(reply, { source: 'offline', reason: 'unreachable', failPolicy: 'open', bundleVersion: 'b7' });
  assert.equal(globalThis.chrome._badges.get('global').text, 'LIM');
  // Right after a failure the service is not tried again (no 1 s timeout per keystroke).
  client.calls.length = 0;
  await router.dispatch({ type: MSG.SCAN, text: 'card', platform: 'x' }, CONTENT);
  assert.equal(client.calls.length, 0);
});

test('a platform the policy does not know is retried as "other", then remembered', async () => {
  client.scanImpl = async (p) => {
    if (p.platform === 'tiktok') throw new ServiceError('rejected', 400, 'unknown_platform');
    return CARD_RESULT;
  };
  const reply = await router.dispatch({ type: MSG.SCAN, text: 'a', platform: 'tiktok' }, CONTENT);
  assert.equal(reply.source, 'service');
  await router.dispatch({ type: MSG.SCAN, text: 'b', platform: 'tiktok' }, CONTENT);
  assert.deepEqual(client.calls.map(([, p]) => p.platform), ['tiktok', 'other', 'other']);
});

test('fail policy from admin policy travels with every answer', async () => {
  setup({ managed: { failPolicy: 'closed' } });
  const reply = await router.dispatch({ type: MSG.SCAN, text: 'a', platform: 'x' }, CONTENT);
  assert.equal(reply.failPolicy, 'closed');
});

test('events are validated, sent, and queued while the service is down', async () => {
  const event = { rule_ids: ['credit-card'], categories: ['account_number'], action: 'masked', platform: 'x', rules_version: 'r1' };
  assert.deepEqual(await router.dispatch({ type: MSG.EVENT, event }, CONTENT), { recorded: true, id: 1 });
  client.eventImpl = async () => { throw new ServiceError('unreachable'); };
  assert.deepEqual(await router.dispatch({ type: MSG.EVENT, event }, CONTENT), { recorded: false, queued: true });
  client.eventImpl = async () => ({ id: 2 });
  client.calls.length = 0;
  await router.dispatch({ type: MSG.EVENT, event: { ...event, action: 'edited' } }, CONTENT);
  assert.deepEqual(client.calls.map(([, e]) => e.action), ['masked', 'edited']);
  const bad = await router.dispatch({ type: MSG.EVENT, event: { ...event, action: 'leaked' } }, CONTENT);
  assert.ok(bad.error);
});

test('senders are checked: settings only from extension pages, scans only from tabs', async () => {
  const fromContent = await router.dispatch({ type: MSG.SAVE_SETTINGS, values: { token: 'x' } }, CONTENT);
  assert.ok(fromContent.error);
  assert.equal(saved, null);
  const fromOtherExtension = await router.dispatch({ type: MSG.SCAN, text: 'a' }, { ...CONTENT, id: 'other' });
  assert.ok(fromOtherExtension.error);
  const fromPage = await router.dispatch({ type: MSG.SCAN, text: 'a' }, PAGE);
  assert.ok(fromPage.error);
  const ok = await router.dispatch({ type: MSG.SAVE_SETTINGS, values: { token: 'x' } }, PAGE);
  assert.deepEqual(saved, { token: 'x' });
  assert.deepEqual(ok.errors, {});
  assert.ok((await router.dispatch({ type: 'nope' }, PAGE)).error);
});

test('status for the popup never reveals the token', async () => {
  await router.dispatch({ type: MSG.SITE_STATUS, state: 'protected', platform: 'x' }, CONTENT);
  const status = await router.dispatch({ type: MSG.STATUS, tabId: 9 }, PAGE);
  assert.equal(status.connection, 'connected');
  assert.equal(status.rulesVersion, 'r1');
  assert.equal(status.offlineRulesVersion, 'b7');
  assert.deepEqual(status.site, { state: 'protected', platform: 'x' });
  assert.equal(status.settings.token, 'set');
  assert.ok(!JSON.stringify(status).includes('"t"'));
});

test('content scripts get the config they need, without the token', async () => {
  const config = await router.dispatch({ type: MSG.GET_CONFIG }, CONTENT);
  assert.deepEqual(Object.keys(config).sort(), ['debounceMs', 'enabledSites', 'failPolicy', 'mastodonInstances', 'submitWaitMs']);
});
