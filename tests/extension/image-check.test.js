import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE_PORT, MAX_IMAGE_BYTES, toBase64 } from '../../extension/src/shared/image-protocol.js';
import { ServiceError } from '../../extension/src/background/service-client.js';
import { createImageChecker } from '../../extension/src/background/image-check.js';

const settings = { load: async () => ({ settings: { serviceUrl: 'http://127.0.0.1:1', token: 't', failPolicy: 'open' } }) };
const connection = { call: (_s, request) => request() };
const SERVICE_ANSWER = { verdict: 'allow', findings: [], location: false, checks: {}, complete: true };

function fakePort(sender = { id: 'ext', tab: { id: 1 } }) {
  const listeners = [];
  const sent = [];
  return {
    name: IMAGE_PORT,
    sender,
    sent,
    disconnected: false,
    onMessage: { addListener: (f) => listeners.push(f) },
    postMessage: (m) => sent.push(m),
    disconnect() {
      this.disconnected = true;
    },
    async deliver(msg) {
      for (const f of listeners) await f(msg);
    },
  };
}

test('the service answers: its result, marked service; the bytes arrive whole', async () => {
  let got = null;
  const client = { image: async (_s, bytes, opts) => ((got = { bytes, opts }), SERVICE_ANSWER) };
  const checker = createImageChecker({ settings, client, connection, offline: { image: async () => null } });
  const port = fakePort();
  assert.equal(checker.onConnect(port, () => true), true);
  const bytes = Uint8Array.from({ length: 10 }, (_, i) => i);
  await port.deliver({ op: 'begin', type: 'image/png', platform: 'x', locale: 'en-US' });
  await port.deliver({ op: 'chunk', data: toBase64(bytes.subarray(0, 6)) });
  await port.deliver({ op: 'chunk', data: toBase64(bytes.subarray(6)) });
  await port.deliver({ op: 'end' });
  assert.deepEqual(got.bytes, bytes);
  assert.deepEqual(got.opts, { platform: 'x', locale: 'en-US', type: 'image/png' });
  assert.equal(port.sent[0].op, 'result');
  assert.equal(port.sent[0].result.source, 'service');
});

test('service down: the offline reader answers; both down: unchecked, never clean', async () => {
  const client = { image: async () => { throw new ServiceError('unreachable'); } };
  const offline = { image: async () => ({ ...SERVICE_ANSWER, complete: false }) };
  const down = createImageChecker({ settings, client, connection, offline });
  const a = await down.check(new Uint8Array(3), { platform: 'x' });
  assert.equal(a.source, 'offline');
  assert.equal(a.reason, 'unreachable');
  const none = createImageChecker({ settings, client, connection, offline: { image: async () => null } });
  const b = await none.check(new Uint8Array(3), { platform: 'x' });
  assert.equal(b.source, 'unchecked');
  assert.equal(b.findings, undefined);
});

test('an unknown platform is checked as "other"', async () => {
  const asked = [];
  const client = {
    image: async (_s, _b, { platform }) => {
      asked.push(platform);
      if (platform !== 'other') throw new ServiceError('rejected', 400, 'unknown_platform', { verified: true });
      return SERVICE_ANSWER;
    },
  };
  const checker = createImageChecker({ settings, client, connection, offline: { image: async () => null } });
  assert.equal((await checker.check(new Uint8Array(1), { platform: 'newsite' })).source, 'service');
  assert.deepEqual(asked, ['newsite', 'other']);
});

test('over 20 MiB: refused while it streams in; other senders and ports are not ours', async () => {
  const checker = createImageChecker({ settings, client: { image: async () => SERVICE_ANSWER }, connection, offline: { image: async () => null } });
  const port = fakePort();
  checker.onConnect(port, () => true);
  await port.deliver({ op: 'begin', type: 'image/png', platform: 'x' });
  const big = toBase64(new Uint8Array(MAX_IMAGE_BYTES / 2 + 3));
  await port.deliver({ op: 'chunk', data: big });
  await port.deliver({ op: 'chunk', data: big });
  assert.deepEqual(port.sent, [{ op: 'result', result: { source: 'unchecked', reason: 'too-large' } }]);

  const stranger = fakePort({ id: 'other' });
  assert.equal(checker.onConnect(stranger, () => false), true);
  assert.equal(stranger.disconnected, true);
  assert.equal(checker.onConnect({ ...fakePort(), name: 'something-else' }, () => true), false);
});
