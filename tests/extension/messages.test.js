// The service worker's message handlers, with the real client, connection and
// status over a fake service (helpers/fake-service.js) and a recording offline
// engine.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { MSG } from '../../extension/src/shared/message-types.js';
import { createConnection } from '../../extension/src/background/connection.js';
import { createFakeService } from './helpers/fake-service.js';
import { createHandlers } from '../../extension/src/background/messages.js';
import { createServiceClient } from '../../extension/src/background/service-client.js';
import { createStatus } from '../../extension/src/background/status.js';
import { installChrome } from './helpers/chrome-stub.js';
import { mergeSettings } from '../../extension/src/shared/settings.js';

const EXT_ID = 'bdjldkhffmlmhngiojpjiponmegeadcm';
const CONTENT = { id: EXT_ID, tab: { id: 9, url: 'https://x.com/home' }, url: 'https://x.com/home' };
const PAGE = { id: EXT_ID, url: `chrome-extension://${EXT_ID}/src/popup/popup.html` };
const TOKEN = 't0ken-for-tests';
const CARD = { rule_id: 'credit-card', category: 'account_number', severity: 'high', action: 'block_with_override' };
const CARD_RESULT = { verdict: 'block', findings: [CARD], rules_version: 'r1', complete: true, incomplete: [] };
const OFFLINE_RESULT = { verdict: 'block', findings: [{ ...CARD, action: 'block' }], rules_version: 'b7',
  complete: true, incomplete: [], not_run: [{ rule_id: 'phone-number', name: 'Phone number' }] };

let routes;
let service;
let offlineCalls;
let offlineAnswer;
let router;
let saved;
let maxChars;

function setup({ managed = {}, local = { token: TOKEN, serviceUrl: 'http://127.0.0.1:17653' }, now } = {}) {
  installChrome();
  saved = null;
  maxChars = 100_000;
  offlineCalls = [];
  offlineAnswer = OFFLINE_RESULT;
  routes = {
    'GET /api/v1/health': () => ({ json: { status: 'ok', version: '0.1.0', rules_version: 'r1' } }),
    'POST /api/v1/scan': () => ({ json: CARD_RESULT }),
    'POST /api/v1/events': () => ({ status: 201, json: { id: 1 } }),
  };
  service = createFakeService({ token: TOKEN, routes: new Proxy({}, { get: (_, key) => routes[key] }) });
  const client = createServiceClient({ fetchImpl: service.fetchImpl });
  const status = createStatus();
  const connection = createConnection({ client, status, ...(now ? { now } : {}) });
  const settings = {
    load: async () => mergeSettings({ local, managed }),
    save: async (values) => ((saved = values), { saved: Object.keys(values), errors: {} }),
  };
  const bundle = () => ({ version: 'b7', rules: [], defaults: { max_chars: maxChars } });
  const rules = { current: async () => ({ bundle: bundle(), source: 'packaged' }), sync: async () => ({}) };
  const offline = {
    scan: async (text, platform, context) =>
      (offlineCalls.push({ text, platform, ...(context ? { context } : {}) }), offlineAnswer),
  };
  const sites = { sync: async () => ({ registered: [], missing: [] }) };
  router = createHandlers({ settings, client, connection, rules, offline, status, sites, extId: EXT_ID });
}

beforeEach(() => setup());

const scanMsg = (text, platform = 'x') => router.dispatch({ type: MSG.SCAN, text, platform, locale: 'en-US' }, CONTENT);
const sentScans = () => service.requests.filter((r) => r.path === '/api/v1/scan').map((r) => JSON.parse(r.text));

test('scan goes to the proven service and says so', async () => {
  const reply = await scanMsg('card 4111');
  assert.equal(reply.source, 'service');
  assert.equal(reply.failPolicy, 'open');
  assert.deepEqual(reply.findings, CARD_RESULT.findings);
  assert.deepEqual(sentScans(), [{ text: 'card 4111', platform: 'x', locale: 'en-US' }]);
  assert.equal(offlineCalls.length, 0);
});

test('an impostor gets no draft: the offline engine answers and the badge says limited', async () => {
  routes['GET /api/v1/health'] = () => ({ json: { status: 'ok' }, proof: 'missing' });
  routes['POST /api/v1/scan'] = () => ({ json: { verdict: 'allow', findings: [] }, proof: 'missing' });
  const reply = await scanMsg('card 4111 1111 1111 1111');
  assert.equal(reply.source, 'offline');
  assert.equal(reply.reason, 'unverified');
  assert.deepEqual(reply.not_run, OFFLINE_RESULT.not_run);
  assert.equal(reply.findings[0].action, 'block');
  assert.deepEqual(sentScans(), []);
  assert.ok(service.requests.every((r) => !r.text.includes('4111')));
  assert.equal(globalThis.chrome._badges.get('global').text, 'LIM');
});

test('429 from the proven service: offline answer, reason busy', async () => {
  routes['POST /api/v1/scan'] = () => ({ status: 429, json: { error: { code: 'rate_limited' } }, headers: { 'Retry-After': '1' } });
  const reply = await scanMsg('card 4111');
  assert.equal(reply.source, 'offline');
  assert.equal(reply.reason, 'busy');
  assert.equal(offlineCalls.length, 1);
  assert.notEqual(globalThis.chrome._badges.get('global')?.text, 'LIM');
});

test('no engine answer either: unchecked, with the fail policy', async () => {
  setup({ managed: { failPolicy: 'closed' }, local: { token: TOKEN } });
  routes['GET /api/v1/health'] = () => ({ networkError: true });
  offlineAnswer = null;
  assert.deepEqual(await scanMsg('hi'), { source: 'unchecked', reason: 'unreachable', failPolicy: 'closed' });
});

test('drafts are cut to the bundle max_chars code points, with full_length, and say too_long', async () => {
  maxChars = 10;
  const draft = `${'💳'.repeat(12)}end`; // 15 code points, 27 UTF-16 units
  const reply = await scanMsg(draft);
  const [sent] = sentScans();
  assert.equal(sent.text, '💳'.repeat(10));
  assert.equal(sent.full_length, 15);
  assert.equal(reply.complete, false);
  assert.deepEqual(reply.incomplete, [{ rule_id: null, reason: 'too_long' }]);
  assert.equal(reply.max_chars, 10);
  // A draft at the limit goes whole, without full_length.
  await scanMsg('0123456789');
  assert.deepEqual(sentScans()[1], { text: '0123456789', platform: 'x', locale: 'en-US' });
});

test('a cut draft is not clean even when the answer forgot to say so; offline too', async () => {
  maxChars = 5;
  routes['POST /api/v1/scan'] = () => ({ json: { verdict: 'allow', findings: [], complete: true, incomplete: [] } });
  const service1 = await scanMsg('hello world');
  assert.equal(service1.verdict, 'warn');
  assert.equal(service1.complete, false);
  setup();
  maxChars = 5;
  routes['GET /api/v1/health'] = () => ({ networkError: true });
  offlineAnswer = { verdict: 'allow', findings: [], rules_version: 'b7', complete: true, incomplete: [] };
  const offline = await scanMsg('hello world');
  assert.equal(offlineCalls[0].text, 'hello');
  assert.equal(offline.source, 'offline');
  assert.deepEqual(offline.incomplete, [{ rule_id: null, reason: 'too_long' }]);
  assert.equal(offline.verdict, 'warn');
});

test('a platform the policy does not know is retried as "other", then remembered', async () => {
  routes['POST /api/v1/scan'] = (r) => (JSON.parse(r.text).platform === 'tiktok'
    ? { status: 400, json: { error: { code: 'unknown_platform' } } }
    : { json: CARD_RESULT });
  const reply = await scanMsg('a', 'tiktok');
  assert.equal(reply.source, 'service');
  await scanMsg('b', 'tiktok');
  assert.deepEqual(sentScans().map((p) => p.platform), ['tiktok', 'other', 'other']);
});

test('fail policy from admin policy travels with every answer', async () => {
  setup({ managed: { failPolicy: 'closed' }, local: { token: TOKEN } });
  assert.equal((await scanMsg('a')).failPolicy, 'closed');
});

test('events: reason codes travel, free text never; queued while the service is down', async () => {
  const event = { rule_ids: ['credit-card'], categories: ['account_number'], action: 'overridden', platform: 'x',
    rules_version: 'r1', reason: 'test_data', note_length: 12, note: 'my secret note', justification: 'pw Summer2026!' };
  assert.deepEqual(await router.dispatch({ type: MSG.EVENT, event }, CONTENT), { recorded: true, id: 1 });
  const [sent] = service.requests.filter((r) => r.path === '/api/v1/events').map((r) => JSON.parse(r.text));
  assert.deepEqual(sent, { rule_ids: ['credit-card'], categories: ['account_number'], action: 'overridden',
    platform: 'x', rules_version: 'r1', reason: 'test_data', note_length: 12 });
  routes['POST /api/v1/events'] = () => ({ networkError: true });
  const masked = { ...event, action: 'masked', reason: undefined, note_length: undefined };
  assert.deepEqual(await router.dispatch({ type: MSG.EVENT, event: masked }, CONTENT), { recorded: false, queued: true });
  const bad = await router.dispatch({ type: MSG.EVENT, event: { ...event, action: 'leaked' } }, CONTENT);
  assert.ok(bad.error);
});

test('events: one the service refuses is not kept, and never holds back the ones after it', async () => {
  const event = { rule_ids: ['credit-card'], categories: ['account_number'], action: 'masked', platform: 'x',
    rules_version: 'r1' };
  let clock = 1_000_000;
  setup({ now: () => clock });
  const posted = () => service.requests.filter((r) => r.path === '/api/v1/events').map((r) => JSON.parse(r.text));
  // Queued while the service is down; by the time it is back, it refuses that one.
  routes['POST /api/v1/events'] = () => ({ networkError: true });
  assert.deepEqual(await router.dispatch({ type: MSG.EVENT, event }, CONTENT), { recorded: false, queued: true });
  clock += 10 * 60_000; // past the pause after a failure
  routes['POST /api/v1/events'] = (request) => (JSON.parse(request.text).action === 'masked'
    ? { status: 400, json: { error: { code: 'unknown_rule', message: 'no' } } }
    : { status: 201, json: { id: 7 } });
  const edited = { ...event, action: 'edited' };
  assert.deepEqual(await router.dispatch({ type: MSG.EVENT, event: edited }, CONTENT), { recorded: true, id: 7 });
  // Refused on its own: answered as such, not queued in front of the next one.
  assert.deepEqual(await router.dispatch({ type: MSG.EVENT, event }, CONTENT), { recorded: false, refused: true });
  assert.deepEqual(await router.dispatch({ type: MSG.EVENT, event: edited }, CONTENT), { recorded: true, id: 7 });
  // Tried while down, sent again once (refused, dropped), then never again.
  assert.deepEqual(posted().map((e) => e.action), ['masked', 'masked', 'edited', 'masked', 'edited']);
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

test('a content script names at most 5 boxes it cannot guard, each cut to 120 characters', async () => {
  const boxes = ['x'.repeat(500), 'a', 'b', 'c', 'd', 'e', 'f'];
  await router.dispatch({ type: MSG.SITE_STATUS, state: 'not-protected', platform: 'x', boxes }, CONTENT);
  const status = await router.dispatch({ type: MSG.STATUS, tabId: 9 }, PAGE);
  assert.equal(status.site.state, 'not-protected');
  assert.deepEqual(status.site.boxes, ['x'.repeat(120), 'a', 'b', 'c', 'd']);
});

test('status for the popup runs the handshake and never reveals the token', async () => {
  await router.dispatch({ type: MSG.SITE_STATUS, state: 'protected', platform: 'x' }, CONTENT);
  const status = await router.dispatch({ type: MSG.STATUS, tabId: 9 }, PAGE);
  assert.equal(status.connection, 'connected');
  assert.equal(status.rulesVersion, 'r1');
  assert.equal(status.offlineRulesVersion, 'b7');
  assert.deepEqual(status.site, { state: 'protected', platform: 'x', boxes: [] });
  assert.equal(status.settings.token, 'set');
  assert.ok(!JSON.stringify(status).includes(TOKEN));
  assert.equal(service.requests[0].path, '/api/v1/health');
});

test('"Test connection" is the handshake: an unproven answer fails it', async () => {
  assert.equal((await router.dispatch({ type: MSG.TEST_CONNECTION }, PAGE)).ok, true);
  routes['GET /api/v1/health'] = () => ({ json: { status: 'ok', version: '9' }, proof: 'wrong' });
  assert.deepEqual(await router.dispatch({ type: MSG.TEST_CONNECTION }, PAGE), { ok: false, reason: 'unverified' });
});

test('content scripts get the config they need, without the token', async () => {
  const config = await router.dispatch({ type: MSG.GET_CONFIG }, CONTENT);
  assert.deepEqual(Object.keys(config).sort(), ['debounceMs', 'enabledSites', 'failPolicy', 'mastodonInstances', 'submitWaitMs']);
});

// --- the scan's context (who the draft goes to) ---------------------------------

const REPLY = { audience: 'reply', targets: [{ handle: '@AcmeSupp0rt', kind: 'reply_to' }] };
const scanWith = (context, text = 'hi') =>
  router.dispatch({ type: MSG.SCAN, text, platform: 'x', locale: 'en-US', context }, CONTENT);

test('the page context goes with the scan, checked again, plus the managed groups', async () => {
  setup({ managed: { groups: ['finance'] } });
  const messy = { audience: 'reply', targets: [{ handle: ' AcmeSupp0rt ', kind: 'reply_to' }, { handle: 'two words' }] };
  await scanWith(messy);
  assert.deepEqual(sentScans()[0].context, { ...REPLY, groups: ['finance'] });
});

test('no context, no groups: the scan has no context key at all', async () => {
  await scanWith({ audience: 'bogus', targets: 'nope' });
  assert.equal('context' in sentScans()[0], false);
});

test('a user cannot set groups: only the admin policy can', async () => {
  setup({ local: { token: TOKEN, serviceUrl: 'http://127.0.0.1:17653', groups: ['finance'] } });
  await scanWith(REPLY);
  assert.deepEqual(sentScans()[0].context, REPLY);
});

test('a service that refuses the context (400) is asked again without it, and later scans skip it', async () => {
  routes['POST /api/v1/scan'] = (request) => (JSON.parse(request.text).context
    ? { status: 400, json: { error: { code: 'invalid_request', message: 'body: unknown field' } } }
    : { json: CARD_RESULT });
  const first = await scanWith(REPLY, 'one');
  assert.equal(first.source, 'service');
  await scanWith(REPLY, 'two');
  assert.deepEqual(sentScans().map((s) => [s.text, 'context' in s]), [['one', true], ['one', false], ['two', false]]);
});

test('the offline engine gets the context too', async () => {
  routes['GET /api/v1/health'] = () => ({ status: 503, json: { error: { code: 'down' } } });
  const reply = await scanWith(REPLY);
  assert.equal(reply.source, 'offline');
  assert.deepEqual(offlineCalls, [{ text: 'hi', platform: 'x', context: REPLY }]);
});
