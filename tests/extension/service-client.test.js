import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServiceClient } from '../../extension/src/background/service-client.js';

const settings = { serviceUrl: 'http://127.0.0.1:17653', token: 'tok', serviceTimeoutMs: 50 };

function fakeFetch(handler) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    return handler(url, init);
  };
  return { calls, fetchImpl };
}

const json = (status, body, headers = {}) =>
  new Response(body === null ? null : JSON.stringify(body), { status, headers });

test('scan posts JSON with the token header and no credentials', async () => {
  const { calls, fetchImpl } = fakeFetch(() => json(200, { verdict: 'allow', findings: [] }));
  const client = createServiceClient({ fetchImpl });
  const result = await client.scan(settings, { text: 'hi', platform: 'x' });
  assert.deepEqual(result, { verdict: 'allow', findings: [] });
  const { url, init } = calls[0];
  assert.equal(url, 'http://127.0.0.1:17653/api/v1/scan');
  assert.equal(init.method, 'POST');
  assert.equal(init.headers['X-PostGuard-Token'], 'tok');
  assert.equal(init.headers['Content-Type'], 'application/json');
  assert.equal(init.credentials, 'omit');
  assert.deepEqual(JSON.parse(init.body), { text: 'hi', platform: 'x' });
});

test('a service that does not answer in time is a timeout', async () => {
  const fetchImpl = (url, init) => new Promise((_, reject) => {
    init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });
  const client = createServiceClient({ fetchImpl });
  await assert.rejects(client.scan(settings, { text: 'x' }), { kind: 'timeout' });
});

test('connection refused is unreachable; 401 and 403 mean unpaired', async () => {
  const down = createServiceClient({ fetchImpl: async () => { throw new TypeError('Failed to fetch'); } });
  await assert.rejects(down.health(settings), { kind: 'unreachable' });
  for (const status of [401, 403]) {
    const client = createServiceClient({ fetchImpl: async () => json(status, { error: { code: 'bad_token' } }) });
    await assert.rejects(client.health(settings), { kind: 'unpaired', status });
  }
});

test('no token means unpaired without any request', async () => {
  const { calls, fetchImpl } = fakeFetch(() => json(200, {}));
  await assert.rejects(createServiceClient({ fetchImpl }).health({ ...settings, token: '' }), { kind: 'unpaired' });
  assert.equal(calls.length, 0);
});

test('a refusal carries the service error code', async () => {
  const client = createServiceClient({ fetchImpl: async () => json(400, { error: { code: 'unknown_platform', message: 'm' } }) });
  await assert.rejects(client.scan(settings, { text: 'x' }), { kind: 'rejected', status: 400, code: 'unknown_platform' });
});

test('a scan answer without findings is a bad response', async () => {
  const client = createServiceClient({ fetchImpl: async () => json(200, { hello: 1 }) });
  await assert.rejects(client.scan(settings, { text: 'x' }), { kind: 'bad-response' });
});

test('bundle fetch is conditional on the ETag', async () => {
  const { calls, fetchImpl } = fakeFetch((url, init) =>
    init.headers['If-None-Match'] === '"v1"' ? json(304, null) : json(200, { version: 'v1', rules: [] }, { ETag: '"v1"' }));
  const client = createServiceClient({ fetchImpl });
  const first = await client.fetchBundle(settings);
  assert.equal(first.status, 200);
  assert.equal(first.etag, '"v1"');
  const second = await client.fetchBundle(settings, first.etag);
  assert.equal(second.status, 304);
  assert.equal(calls[1].init.headers['If-None-Match'], '"v1"');
});
