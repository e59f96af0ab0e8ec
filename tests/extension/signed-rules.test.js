// The rules store with bundle keys pinned: it runs only what it verified itself,
// never an older version, and only while the signing key stays pinned. The
// envelopes are the Python signer's (tests/conformance/signed_bundle_vectors.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { beforeEach, test } from 'node:test';
import { createRulesStore } from '../../extension/src/background/rules-store.js';
import { ServiceError } from '../../extension/src/background/service-client.js';
import { mergeSettings, validateUserSettings } from '../../extension/src/shared/settings.js';
import { installChrome } from './helpers/chrome-stub.js';

const vectors = JSON.parse(readFileSync(new URL('../conformance/signed_bundle_vectors.json', import.meta.url), 'utf8'));
const envelope = (name) => new TextEncoder().encode(vectors.cases.find((c) => c.name === name).envelope);
const NOW = Date.parse(vectors.now);
const PACKAGED = { version: 'p1', rules: [{ id: 'credit-card' }] };
const fetchImpl = async () => new Response(JSON.stringify(PACKAGED));

beforeEach(() => installChrome());

function setup({ pinned = ['old'], answers = [] } = {}) {
  const seen = [];
  const keys = pinned.map((n) => vectors.keys[n]);
  const client = {
    async fetchSignedBundle(settings, etag) {
      seen.push(etag);
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next;
    },
    fetchBundle: async () => assert.fail('pinned keys: the unsigned bundle is never asked for'),
  };
  const make = (specs = keys) =>
    createRulesStore({ client, fetchImpl, pinnedKeys: async () => specs, now: () => NOW });
  return { store: make(), make, seen, settings: { bundleKeys: keys } };
}

test('a verified bundle replaces the packaged one and survives a restart', async () => {
  const { store, make, settings } = setup({ answers: [{ status: 200, etag: '"v2"', bytes: envelope('valid') }] });
  assert.equal((await store.current()).source, 'packaged');
  assert.deepEqual(await store.sync(settings), { updated: true, version: 2 });
  const inputs = await store.offlineInputs();
  assert.equal(inputs.key, 'signed:"v2"');
  assert.equal(inputs.bundle.version, 'vector-1');
  assert.equal((await make().current()).version, 2);
});

test('each tampered or older envelope is refused with its reason; the good one keeps running', async () => {
  const bad = ['payload_flip', 'signature_flip', 'header_flip', 'expired', 'unknown_key', 'older_version', 'same_version'];
  const answers = [{ status: 200, etag: '"v2"', bytes: envelope('valid') }];
  for (const name of bad) answers.push({ status: 200, etag: `"${name}"`, bytes: envelope(name) });
  const { store, seen, settings } = setup({ answers });
  await store.sync(settings);
  for (const name of bad) {
    const expected = vectors.cases.find((c) => c.name === name).reason;
    assert.deepEqual(await store.sync(settings), { updated: false, rejected: expected }, name);
    assert.equal((await store.lastRejection()).reason, expected);
    assert.equal((await store.current()).etag, '"v2"');
  }
  assert.ok(seen.slice(1).every((etag) => etag === '"v2"'), 'asks with the running ETag');
});

test('the highest version outlives the bundle: a cleared store still refuses a rollback', async () => {
  const { store, make, settings } = setup({
    answers: [{ status: 200, etag: '"v2"', bytes: envelope('valid') }, { status: 200, etag: '"v1"', bytes: envelope('older_version') }],
  });
  await store.sync(settings);
  await chrome.storage.local.set({ rulesBundle: null });
  const restarted = make();
  assert.equal((await restarted.current()).source, 'packaged');
  assert.deepEqual(await restarted.sync(settings), { updated: false, rejected: 'rollback' });
});

test('304 keeps the bundle; a service without a signed bundle is reported, ours kept', async () => {
  const { store, settings } = setup({
    answers: [
      { status: 200, etag: '"v2"', bytes: envelope('valid') },
      { status: 304 },
      new ServiceError('rejected', 404, 'no_signed_bundle', { verified: true }),
    ],
  });
  await store.sync(settings);
  assert.deepEqual(await store.sync(settings), { updated: false });
  assert.deepEqual(await store.sync(settings), { updated: false, rejected: 'no_signed_bundle' });
  assert.equal((await store.current()).version, 2);
});

test('a bundle whose key is no longer pinned, or an unsigned one, is not run once keys are pinned', async () => {
  const { store, make, settings } = setup({ answers: [{ status: 200, etag: '"v2"', bytes: envelope('valid') }] });
  await store.sync(settings);
  assert.equal((await make([vectors.keys.new]).current()).source, 'packaged');
  assert.equal((await make([vectors.keys.old, vectors.keys.new]).current()).source, 'signed');
  await chrome.storage.local.set({ rulesBundle: { bundle: { version: 's1', rules: [] }, etag: '"u"', source: 'service' } });
  assert.equal((await make().current()).source, 'packaged');
  assert.equal((await make([]).current()).source, 'service'); // no keys: today's behaviour
});

test('bundleKeys: managed policy only, and only Ed25519 public keys', () => {
  const pem = vectors.keys.old;
  const raw = vectors.keys['old:raw'];
  assert.deepEqual(mergeSettings({ managed: { bundleKeys: [pem, raw] } }).settings.bundleKeys, [pem, raw]);
  assert.deepEqual(mergeSettings({ local: { bundleKeys: [pem] } }).settings.bundleKeys, []);
  assert.deepEqual(validateUserSettings({ bundleKeys: [pem] }).values, {});
  const bad = mergeSettings({ managed: { bundleKeys: ['not a key'] } });
  assert.deepEqual(bad.settings.bundleKeys, []);
  assert.deepEqual(bad.invalid, ['managed.bundleKeys']);
});

test('an answer cut off for size is a too_large rejection, not a lost connection', async () => {
  const { store, settings } = setup({ answers: [new ServiceError('too-large')] });
  assert.deepEqual(await store.sync(settings), { updated: false, rejected: 'too_large' });
  assert.equal((await store.current()).source, 'packaged');
});
