import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { EXTRA_SITES_SCRIPT_ID, patternsFor, syncSiteScripts } from '../../extension/src/background/site-scripts.js';
import { buildEvent } from '../../extension/src/background/event-payload.js';
import { createRulesStore } from '../../extension/src/background/rules-store.js';
import { createStatus } from '../../extension/src/background/status.js';
import { ext } from '../../extension/src/shared/ext.js';
import { installChrome } from './helpers/chrome-stub.js';

let chrome;
beforeEach(() => {
  chrome = installChrome({ granted: ['http://127.0.0.1/*', 'https://intranet.example/*'] });
});

const bundle = (version) => ({ version, rules: [{ id: 'credit-card' }] });

test('rules: the packaged bundle is the fallback', async () => {
  const store = createRulesStore({
    client: {},
    fetchImpl: async (url) => {
      assert.equal(url, 'chrome-extension://bdjldkhffmlmhngiojpjiponmegeadcm/rules/ruleset.json');
      return new Response(JSON.stringify(bundle('p1')));
    },
  });
  const current = await store.current();
  assert.equal(current.source, 'packaged');
  assert.equal(current.bundle.version, 'p1');
});

test('rules: a fetched bundle is kept with its ETag and survives a restart', async () => {
  const client = { fetchBundle: async () => ({ status: 200, etag: '"e1"', json: bundle('s1') }) };
  const fetchImpl = async () => new Response('', { status: 404 });
  const store = createRulesStore({ client, fetchImpl });
  assert.deepEqual(await store.sync({}), { updated: true });
  const restarted = createRulesStore({ client, fetchImpl });
  const current = await restarted.current();
  assert.equal(current.bundle.version, 's1');
  assert.equal(current.etag, '"e1"');
});

test('rules: 304 keeps the bundle; a malformed answer is refused', async () => {
  let answer = { status: 200, etag: '"e1"', json: bundle('s1') };
  const seen = [];
  const client = { fetchBundle: async (s, etag) => (seen.push(etag), answer) };
  const store = createRulesStore({ client, fetchImpl: async () => new Response('', { status: 404 }) });
  await store.sync({});
  answer = { status: 304 };
  assert.deepEqual(await store.sync({}), { updated: false });
  assert.equal(seen[1], '"e1"');
  answer = { status: 200, etag: '"e2"', json: { version: 's2' } };
  assert.deepEqual(await store.sync({}), { updated: false, rejected: true });
  assert.equal((await store.current()).bundle.version, 's1');
});

test('status: offline paints LIM everywhere, a failure skips the service briefly', async () => {
  let now = 1000;
  const status = createStatus({ now: () => now });
  await status.setSite(3, { state: 'protected', platform: 'x' });
  await status.markOffline('unreachable');
  assert.equal(chrome._badges.get('global').text, 'LIM');
  assert.equal(chrome._badges.get(3).text, 'LIM');
  assert.ok(status.skipService());
  now += 5000;
  assert.ok(!status.skipService());
  await status.markConnected('r9');
  assert.equal(chrome._badges.get(3).text, '');
  assert.equal(status.connection().rulesVersion, 'r9');
});

test('status: the site state survives a worker restart', async () => {
  await createStatus().setSite(5, { state: 'not-protected', platform: 'x' });
  assert.deepEqual(await createStatus().site(5), { state: 'not-protected', platform: 'x' });
  assert.equal(chrome._badges.get(5).text, 'OFF');
});

test('sites: registered for granted hosts only; loopback over http', async () => {
  assert.deepEqual(patternsFor(['127.0.0.1', 'a.example']), ['http://127.0.0.1/*', 'https://a.example/*']);
  const result = await syncSiteScripts({ enabledSites: ['127.0.0.1', 'intranet.example'], mastodonInstances: ['social.example.org'] });
  assert.deepEqual(result.missing, ['social.example.org']);
  const [script] = chrome._registered;
  assert.equal(script.id, EXTRA_SITES_SCRIPT_ID);
  assert.deepEqual(script.matches, ['http://127.0.0.1/*', 'https://intranet.example/*']);
  assert.equal(script.runAt, 'document_start');
  // Re-syncing replaces the registration instead of failing on the duplicate id.
  await syncSiteScripts({ enabledSites: [], mastodonInstances: [] });
  assert.equal(chrome._registered.length, 0);
});

test('events: ids and enums only; no text fields pass through', () => {
  const { event } = buildEvent({
    rule_ids: ['credit-card'], categories: ['account_number'], action: 'overridden',
    justification: '  approved  ', platform: 'x', rules_version: 'r1', text: 'card 4111', value: '4111',
  });
  assert.deepEqual(event, { rule_ids: ['credit-card'], categories: ['account_number'], action: 'overridden',
    platform: 'x', rules_version: 'r1', justification: 'approved' });
  assert.ok(buildEvent({ rule_ids: ['x y'], categories: [], action: 'masked' }).error);
  assert.ok(buildEvent({ rule_ids: [], categories: [], action: 'deleted' }).error);
  assert.ok(buildEvent({ rule_ids: [], categories: [], action: 'overridden', justification: 'x'.repeat(501) }).error);
});

test('ext wraps onMessage so async handlers answer', async () => {
  ext.onMessage(async (msg) => ({ echo: msg.n }));
  const reply = await new Promise((resolve) => {
    const keepOpen = chrome._messageListeners[0]({ n: 4 }, {}, resolve);
    assert.equal(keepOpen, true);
  });
  assert.deepEqual(reply, { echo: 4 });
});
