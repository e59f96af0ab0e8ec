// The handshake state machine: no draft before the service has proved itself,
// a new handshake after any failure and when the last proof is over 5 s old.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { FRESH_MS, RETRY_MS, createConnection } from '../../extension/src/background/connection.js';
import { createFakeService } from './helpers/fake-service.js';
import { createServiceClient } from '../../extension/src/background/service-client.js';
import { createStatus } from '../../extension/src/background/status.js';
import { installChrome } from './helpers/chrome-stub.js';

const TOKEN = 'pairing-token-1';
const settings = { serviceUrl: 'http://127.0.0.1:17653', token: TOKEN, serviceTimeoutMs: 200 };
const HEALTH = { status: 'ok', version: '0.1.0', rules_version: 'r1' };

let chrome;
let now;
let routes;
let service;
let connection;

function setup() {
  chrome = installChrome();
  now = 1_000_000;
  routes = {
    'GET /api/v1/health': () => ({ json: HEALTH }),
    'POST /api/v1/scan': () => ({ json: { verdict: 'allow', findings: [] } }),
  };
  service = createFakeService({ token: TOKEN, routes: new Proxy({}, { get: (_, key) => routes[key] }) });
  const client = createServiceClient({ fetchImpl: service.fetchImpl });
  connection = createConnection({ client, status: createStatus(), now: () => now });
  return client;
}

let client;
beforeEach(() => {
  client = setup();
});

const scan = () => connection.call(settings, () => client.scan(settings, { text: 'card 4111 1111 1111 1111' }));
const paths = () => service.requests.map((r) => `${r.method} ${r.path}`);
const badge = () => chrome._badges.get('global')?.text;

test('the first draft waits for a handshake with no text in it', async () => {
  await scan();
  assert.deepEqual(paths(), ['GET /api/v1/health', 'POST /api/v1/scan']);
  assert.equal(service.requests[0].body.length, 0);
  assert.equal(badge(), '');
});

test('a fresh proof is reused; one older than 5 s means a new handshake', async () => {
  await scan();
  now += FRESH_MS;
  await scan();
  assert.deepEqual(paths(), ['GET /api/v1/health', 'POST /api/v1/scan', 'POST /api/v1/scan']);
  now += FRESH_MS + 1;
  await scan();
  assert.deepEqual(paths().slice(3), ['GET /api/v1/health', 'POST /api/v1/scan']);
});

test('a handshake without a valid proof: no draft goes out, LIM, and no retry for a while', async () => {
  for (const proof of ['missing', 'wrong']) {
    client = setup();
    routes['GET /api/v1/health'] = () => ({ json: HEALTH, proof });
    await assert.rejects(scan(), { kind: 'unverified' });
    await assert.rejects(scan(), { kind: 'unverified' });
    assert.deepEqual(paths(), ['GET /api/v1/health'], proof);
    assert.ok(!service.requests.some((r) => r.text.includes('4111')));
    assert.equal(badge(), 'LIM');
    now += RETRY_MS;
    routes['GET /api/v1/health'] = () => ({ json: HEALTH });
    await scan();
    assert.deepEqual(paths(), ['GET /api/v1/health', 'GET /api/v1/health', 'POST /api/v1/scan']);
    assert.equal(badge(), '');
  }
});

test('a failure during a proven session forces a handshake before the next draft', async () => {
  await scan();
  routes['POST /api/v1/scan'] = () => ({ json: { verdict: 'allow', findings: [] }, proof: 'missing' });
  await assert.rejects(scan(), { kind: 'unverified' });
  assert.equal(badge(), 'LIM');
  routes['POST /api/v1/scan'] = () => ({ json: { verdict: 'allow', findings: [] } });
  now += RETRY_MS;
  await scan();
  assert.deepEqual(paths().slice(2), ['POST /api/v1/scan', 'GET /api/v1/health', 'POST /api/v1/scan']);
});

test('401 from the service means unpaired', async () => {
  const client2 = createServiceClient({ fetchImpl: createFakeService({ token: 'another' }).fetchImpl });
  const c = createConnection({ client: client2, status: createStatus(), now: () => now });
  await assert.rejects(c.call(settings, () => client2.scan(settings, { text: 'x' })), { kind: 'unpaired' });
  assert.equal(badge(), 'LIM');
  assert.ok(chrome._badges.get('global').title.includes('Not paired'));
});

test('429 with a proof: busy until Retry-After, without asking, and the badge stays', async () => {
  await scan();
  routes['POST /api/v1/scan'] = () => ({ status: 429, json: { error: { code: 'rate_limited' } }, headers: { 'Retry-After': '2' } });
  await assert.rejects(scan(), { kind: 'busy' });
  const sent = service.requests.length;
  await assert.rejects(scan(), { kind: 'busy' });
  assert.equal(service.requests.length, sent, 'no request while busy');
  assert.equal(badge(), '');
  routes['POST /api/v1/scan'] = () => ({ json: { verdict: 'allow', findings: [] } });
  now += 2000;
  await scan();
  assert.equal(service.requests.length, sent + 1);
});

test('a new token or URL is proved again before any draft', async () => {
  await scan();
  const moved = { ...settings, serviceUrl: 'http://127.0.0.1:17654' };
  await connection.call(moved, () => client.scan(moved, { text: 'x' }));
  assert.deepEqual(paths().slice(2), ['GET /api/v1/health', 'POST /api/v1/scan']);
});

test('parallel drafts share one handshake', async () => {
  await Promise.all([scan(), scan(), scan()]);
  assert.equal(paths().filter((p) => p === 'GET /api/v1/health').length, 1);
});
