import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { EXTRA_SITES_SCRIPT_ID, patternsFor, syncSiteScripts } from '../../extension/src/background/site-scripts.js';
import { buildEvent } from '../../extension/src/background/event-payload.js';
import { createRulesStore } from '../../extension/src/background/rules-store.js';
import { combineFrames, createStatus } from '../../extension/src/background/status.js';
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

test('rules: the offline engine gets the bundle with its policy, else the packaged policy', async () => {
  const packagedPolicy = { mode: 'enforce', marker: 'packaged' };
  const fetchImpl = async () => new Response(JSON.stringify({ ...bundle('p1'), policy: packagedPolicy }));
  let answer = { status: 200, etag: '"e1"', json: { ...bundle('s1'), policy: { mode: 'simulation' } } };
  const store = createRulesStore({ client: { fetchBundle: async () => answer }, fetchImpl });
  const before = await store.offlineInputs();
  assert.equal(before.key, 'packaged:p1');
  assert.deepEqual(before.policy, packagedPolicy);
  await store.sync({});
  const fetched = await store.offlineInputs();
  assert.equal(fetched.key, 'service:"e1"');
  assert.deepEqual(fetched.policy, { mode: 'simulation' });
  answer = { status: 200, etag: '"e2"', json: bundle('s1') }; // an older service: no policy in it
  await store.sync({});
  const borrowed = await store.offlineInputs();
  assert.equal(borrowed.key, 'service:"e2"');
  assert.deepEqual(borrowed.policy, packagedPolicy);
});

test('status: offline paints LIM everywhere and keeps why', async () => {
  const status = createStatus();
  await status.setSite(3, { state: 'protected', platform: 'x' });
  await status.markOffline('unverified');
  assert.equal(chrome._badges.get('global').text, 'LIM');
  assert.equal(chrome._badges.get(3).text, 'LIM');
  assert.deepEqual([status.connection().state, status.connection().reason], ['offline', 'unverified']);
  await status.markConnected('r9');
  assert.equal(chrome._badges.get(3).text, '');
  assert.equal(status.connection().rulesVersion, 'r9');
});

test('status: the site state survives a worker restart', async () => {
  await createStatus().setSite(5, { state: 'not-protected', platform: 'x', boxes: ['text box'] });
  assert.deepEqual(await createStatus().site(5), { state: 'not-protected', platform: 'x', boxes: ['text box'] });
  assert.equal(chrome._badges.get(5).text, 'OFF');
});

test('status: a frame that cannot guard its box turns the tab OFF; a new page starts afresh', async () => {
  const status = createStatus();
  await status.setSite(6, { state: 'protected', platform: 'x' }, { frameId: 0, documentId: 'd1' });
  await status.setSite(6, { state: 'not-protected', platform: 'other', boxes: ['editor <div>'] }, { frameId: 4 });
  assert.equal(chrome._badges.get(6).text, 'OFF');
  assert.deepEqual(await status.site(6), { state: 'not-protected', platform: 'x', boxes: ['editor <div>'] });
  // The frame's own report that it is guarded now clears it.
  await status.setSite(6, { state: 'protected', platform: 'other' }, { frameId: 4 });
  assert.equal(chrome._badges.get(6).text, '');
  await status.setSite(6, { state: 'not-protected', platform: 'other', boxes: ['text box'] }, { frameId: 4 });
  await status.setSite(6, { state: 'idle', platform: 'x' }, { frameId: 0, documentId: 'd2' });
  assert.equal((await status.site(6)).state, 'idle');
});

test('status: combineFrames takes the worst state and the top frame\'s platform', () => {
  const combined = combineFrames([
    [3, { state: 'idle', platform: 'other' }],
    [0, { state: 'protected', platform: 'x', boxes: [] }],
  ]);
  assert.deepEqual(combined, { state: 'protected', platform: 'x', boxes: [] });
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

test('events: ids, codes and a length only; no text field passes through', () => {
  const base = { rule_ids: ['credit-card'], categories: ['account_number'], platform: 'x', rules_version: 'r1' };
  const { event } = buildEvent({
    ...base, action: 'overridden', reason: 'already_public', note_length: 40,
    justification: 'pw Summer2026!', note: 'pw Summer2026!', text: 'card 4111', value: '4111',
  });
  assert.deepEqual(event, { ...base, action: 'overridden', reason: 'already_public', note_length: 40 });
  assert.deepEqual(buildEvent({ ...base, action: 'reported_false_positive', reason: 'false_positive' }).event,
    { ...base, action: 'reported_false_positive', reason: 'false_positive' });
  assert.deepEqual(buildEvent({ ...base, action: 'overridden' }).event, { ...base, action: 'overridden' });
  for (const bad of [
    { rule_ids: ['x y'], categories: [], action: 'masked' },
    { rule_ids: [], categories: [], action: 'deleted' },
    { ...base, action: 'overridden', reason: 'because I said so' },
    { ...base, action: 'masked', reason: 'approved' },
    { ...base, action: 'overridden', note_length: 3 },
    { ...base, action: 'overridden', reason: 'other', note_length: 10_001 },
    { ...base, action: 'overridden', reason: 'other', note_length: 1.5 },
    { ...base, action: 'overridden', reason: 'other', note_length: '3' },
  ]) {
    assert.ok(buildEvent(bad).error, JSON.stringify(bad));
  }
});

test('ext wraps onMessage so async handlers answer', async () => {
  ext.onMessage(async (msg) => ({ echo: msg.n }));
  const reply = await new Promise((resolve) => {
    const keepOpen = chrome._messageListeners[0]({ n: 4 }, {}, resolve);
    assert.equal(keepOpen, true);
  });
  assert.deepEqual(reply, { echo: 4 });
});
