// The signed request / proved answer protocol, checked against HMACs computed
// independently with node:crypto (helpers/fake-service.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeService, expectedSignature, hmacHex, proofFor, sha256Hex } from './helpers/fake-service.js';
import { newNonce, proofMatches, signRequest } from '../../extension/src/background/signing.js';
import { createServiceClient } from '../../extension/src/background/service-client.js';

const TOKEN = 'tok-Zq3_secret-value';
const settings = { serviceUrl: 'http://127.0.0.1:17653', token: TOKEN, serviceTimeoutMs: 200 };
const HEALTH = { status: 'ok', version: '0.1.0', rules_version: 'r1' };

test('the signature is HMAC-SHA256(token, the spec message), as node:crypto computes it', async () => {
  const body = new TextEncoder().encode('{"text":"héllo 💳"}');
  const nonce = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  const signature = await signRequest({ token: TOKEN, nonce, method: 'post', host: '127.0.0.1:17653', path: '/api/v1/scan', body });
  const message = `postguard-request-v1\n${nonce}\nPOST\n127.0.0.1:17653\n/api/v1/scan\n${sha256Hex(body)}`;
  assert.equal(signature, `v1=${hmacHex(TOKEN, message)}`);
  // GET: the hash of no bytes at all.
  const get = await signRequest({ token: TOKEN, nonce, method: 'GET', host: '127.0.0.1:17653', path: '/api/v1/health' });
  assert.equal(get, expectedSignature({ token: TOKEN, nonce, method: 'GET', host: '127.0.0.1:17653', path: '/api/v1/health', body: Buffer.alloc(0) }));
});

test('nonces: 32 fresh random bytes as 43 base64url characters', () => {
  const seen = new Set(Array.from({ length: 50 }, newNonce));
  assert.equal(seen.size, 50);
  for (const nonce of seen) assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
});

test('a proof verifies only for its own nonce, status and body', async () => {
  const body = new TextEncoder().encode('{"status":"ok"}');
  const nonce = newNonce();
  const header = proofFor({ token: TOKEN, nonce, status: 200, body });
  assert.ok(await proofMatches({ token: TOKEN, nonce, status: 200, body, header }));
  assert.ok(!(await proofMatches({ token: TOKEN, nonce: newNonce(), status: 200, body, header })));
  assert.ok(!(await proofMatches({ token: TOKEN, nonce, status: 201, body, header })));
  assert.ok(!(await proofMatches({ token: TOKEN, nonce, status: 200, body: new Uint8Array([1]), header })));
  assert.ok(!(await proofMatches({ token: 'other', nonce, status: 200, body, header })));
  for (const bad of [null, '', header.toUpperCase(), header.slice(3), `${header}0`]) {
    assert.ok(!(await proofMatches({ token: TOKEN, nonce, status: 200, body, header: bad })), String(bad));
  }
});

test('every request is signed; the token itself is never sent', async () => {
  const service = createFakeService({
    token: TOKEN,
    routes: {
      'GET /api/v1/health': () => ({ json: HEALTH }),
      'POST /api/v1/scan': () => ({ json: { verdict: 'allow', findings: [] } }),
      'POST /api/v1/events': () => ({ status: 201, json: { id: 4 } }),
    },
  });
  const client = createServiceClient({ fetchImpl: service.fetchImpl });
  assert.deepEqual(await client.health(settings), HEALTH);
  assert.deepEqual(await client.scan(settings, { text: 'hi', platform: 'x' }), { verdict: 'allow', findings: [] });
  assert.deepEqual(await client.sendEvent(settings, { action: 'edited' }), { id: 4 });
  assert.equal(service.requests.length, 3);
  const nonces = new Set();
  for (const request of service.requests) {
    assert.ok(request.signed, request.path);
    nonces.add(request.headers['X-PostGuard-Nonce']);
    const raw = JSON.stringify(request.headers) + request.text;
    assert.ok(!raw.includes(TOKEN), 'the token must not travel');
    assert.ok(!('X-PostGuard-Token' in request.headers));
  }
  assert.equal(nonces.size, 3);
  const scan = service.requests[1];
  assert.equal(scan.headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(scan.text), { text: 'hi', platform: 'x' });
});

test('an answer without a valid proof is unverified, and its body is never used', async () => {
  for (const proof of ['missing', 'wrong', 'other-token']) {
    let bodyRead = false;
    const service = createFakeService({
      token: TOKEN,
      routes: { 'POST /api/v1/scan': () => ({ proof, json: { verdict: 'allow', findings: [] } }) },
    });
    const fetchImpl = async (...args) => {
      const response = await service.fetchImpl(...args);
      const json = response.json.bind(response);
      response.json = () => ((bodyRead = true), json());
      return response;
    };
    const client = createServiceClient({ fetchImpl });
    await assert.rejects(client.scan(settings, { text: 'x' }), { kind: 'unverified', verified: false }, proof);
    assert.equal(bodyRead, false);
  }
});

test('an impostor that answers "allow" without signing is unverified; garbage too', async () => {
  const impostor = async () =>
    new Response(JSON.stringify({ verdict: 'allow', findings: [], complete: true }), { status: 200 });
  await assert.rejects(createServiceClient({ fetchImpl: impostor }).scan(settings, { text: 'x' }), { kind: 'unverified' });
  const garbage = async () => new Response('not json', { status: 200, headers: { 'X-PostGuard-Proof': 'v1=00' } });
  await assert.rejects(createServiceClient({ fetchImpl: garbage }).health(settings), { kind: 'unverified' });
});

test('429 with a valid proof is "busy" with its Retry-After; without a proof it is unverified', async () => {
  const answer = { status: 429, json: { error: { code: 'rate_limited' } }, headers: { 'Retry-After': '7' } };
  const proven = createFakeService({ token: TOKEN, routes: { 'POST /api/v1/scan': () => answer } });
  await assert.rejects(createServiceClient({ fetchImpl: proven.fetchImpl }).scan(settings, { text: 'x' }),
    { kind: 'busy', status: 429, verified: true, retryAfterS: 7 });
  const unproven = createFakeService({ token: TOKEN, routes: { 'POST /api/v1/scan': () => ({ ...answer, proof: 'missing' }) } });
  await assert.rejects(createServiceClient({ fetchImpl: unproven.fetchImpl }).scan(settings, { text: 'x' }), { kind: 'unverified' });
});

test('401 and 403 mean unpaired; 5xx is a connection failure even when proved', async () => {
  for (const status of [401, 403]) {
    const client = createServiceClient({ fetchImpl: async () => new Response('{}', { status }) });
    await assert.rejects(client.health(settings), { kind: 'unpaired', status });
  }
  const broken = createFakeService({ token: TOKEN, routes: { 'GET /api/v1/health': () => ({ status: 500, json: {} }) } });
  await assert.rejects(createServiceClient({ fetchImpl: broken.fetchImpl }).health(settings), { kind: 'unreachable', status: 500 });
});

test('no answer in time is a timeout; refused connection is unreachable', async () => {
  const hang = (url, init) => new Promise((_, reject) => {
    init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });
  await assert.rejects(createServiceClient({ fetchImpl: hang }).scan(settings, { text: 'x' }), { kind: 'timeout' });
  const down = async () => { throw new TypeError('Failed to fetch'); };
  await assert.rejects(createServiceClient({ fetchImpl: down }).health(settings), { kind: 'unreachable' });
});

test('no token means unpaired without any request', async () => {
  const service = createFakeService({ token: TOKEN });
  await assert.rejects(createServiceClient({ fetchImpl: service.fetchImpl }).health({ ...settings, token: '' }), { kind: 'unpaired' });
  assert.equal(service.requests.length, 0);
});

test('a proved refusal carries the service error code', async () => {
  const service = createFakeService({
    token: TOKEN,
    routes: { 'POST /api/v1/scan': () => ({ status: 400, json: { error: { code: 'unknown_platform' } } }) },
  });
  await assert.rejects(createServiceClient({ fetchImpl: service.fetchImpl }).scan(settings, { text: 'x' }),
    { kind: 'rejected', status: 400, code: 'unknown_platform', verified: true });
});

test('bundle fetch is conditional on the ETag; a 304 is proved over the empty body', async () => {
  const service = createFakeService({
    token: TOKEN,
    routes: {
      'GET /api/v1/rules/bundle': (r) => (r.headers['If-None-Match'] === '"v1"'
        ? { status: 304 }
        : { json: { version: 'v1', rules: [] }, headers: { ETag: '"v1"' } }),
    },
  });
  const client = createServiceClient({ fetchImpl: service.fetchImpl });
  const first = await client.fetchBundle(settings);
  assert.equal(first.status, 200);
  assert.equal(first.etag, '"v1"');
  const second = await client.fetchBundle(settings, first.etag);
  assert.equal(second.status, 304);
});

test('the signed envelope comes back as the proved bytes, unparsed; 404 is a proven refusal', async () => {
  const envelope = '{"format": "postguard-signed-bundle-v1", "header": "x"}\n';
  let running = true;
  const service = createFakeService({
    token: TOKEN,
    routes: {
      'GET /api/v1/rules/signed': () => (running
        ? { raw: envelope, headers: { ETag: '"s1"' } }
        : { status: 404, json: { error: { code: 'no_signed_bundle' } } }),
    },
  });
  const client = createServiceClient({ fetchImpl: service.fetchImpl });
  const answer = await client.fetchSignedBundle(settings);
  assert.equal(answer.etag, '"s1"');
  assert.equal(new TextDecoder().decode(answer.bytes), envelope);
  running = false;
  await assert.rejects(client.fetchSignedBundle(settings), { kind: 'rejected', status: 404, code: 'no_signed_bundle' });
});

test('a signed envelope over the cap is cut off while it streams in', async () => {
  const { MAX_ENVELOPE_BYTES } = await import('../../extension/src/shared/bundle-verify.js');
  let pulled = 0;
  const chunk = new Uint8Array(1024 * 1024);
  const fetchImpl = async () => new Response(new ReadableStream({
    pull(controller) {
      pulled += chunk.length;
      if (pulled > 100 * 1024 * 1024) controller.close();
      else controller.enqueue(chunk);
    },
  }), { status: 200 });
  const client = createServiceClient({ fetchImpl });
  await assert.rejects(client.fetchSignedBundle({ ...settings, serviceTimeoutMs: 5000 }), { kind: 'too-large' });
  assert.ok(pulled <= MAX_ENVELOPE_BYTES + 3 * chunk.length, `read ${pulled} bytes of a 100 MB answer`);
});

test('every request names the extension version; a malformed one is left out', async () => {
  const routes = {
    'GET /api/v1/health': () => ({ json: HEALTH }),
    'POST /api/v1/scan': () => ({ json: { verdict: 'allow', findings: [] } }),
    'GET /api/v1/rules/bundle': () => ({ json: { rules: [] }, headers: { ETag: '"b"' } }),
  };
  const service = createFakeService({ token: TOKEN, routes });
  const client = createServiceClient({ fetchImpl: service.fetchImpl, extensionVersion: '0.2.0' });
  await client.health(settings);
  await client.scan(settings, { text: 'hi', platform: 'x' });
  await client.fetchBundle(settings, '"a"');
  assert.deepEqual(service.requests.map((r) => r.headers['X-PostGuard-Extension-Version']), ['0.2.0', '0.2.0', '0.2.0']);
  assert.ok(service.requests.every((r) => r.signed));
  assert.equal(service.requests[2].headers['If-None-Match'], '"a"');

  for (const extensionVersion of [undefined, '', '0.2.0-beta', '1.2.3.4.5', '123456', 'v1', '1.2\r\nX-Evil: 1']) {
    const quiet = createFakeService({ token: TOKEN, routes });
    await createServiceClient({ fetchImpl: quiet.fetchImpl, extensionVersion }).health(settings);
    assert.ok(!('X-PostGuard-Extension-Version' in quiet.requests[0].headers), String(extensionVersion));
  }
});
