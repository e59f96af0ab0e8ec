// The extension's verifier gives every Python-signed vector the reason Python
// gives it (test_signed_bundle_vectors.py writes and checks the same file).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  MAX_ENVELOPE_BYTES,
  MAX_HEADER_BYTES,
  MAX_PAYLOAD_BYTES,
  importBundleKeys,
  rawPublicKey,
  verifySignedBundle,
} from '../../extension/src/shared/bundle-verify.js';

const vectors = JSON.parse(readFileSync(new URL('./signed_bundle_vectors.json', import.meta.url), 'utf8'));
const NOW = Date.parse(vectors.now);

function bytesOf(c) {
  if (c.oversized) return new Uint8Array(MAX_ENVELOPE_BYTES + 1).fill(0x20);
  return new TextEncoder().encode(c.envelope);
}

async function reasonFor(c) {
  const keys = await importBundleKeys(c.pinned.map((name) => vectors.keys[name]));
  try {
    const verified = await verifySignedBundle(bytesOf(c), keys, { now: NOW, minVersion: c.min_version });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(verified.payload)).rules, []);
    return null;
  } catch (err) {
    if (!err.reason) throw err;
    return err.reason;
  }
}

test('the size caps are the Python ones', () => {
  assert.deepEqual(
    { max_envelope_bytes: MAX_ENVELOPE_BYTES, max_header_bytes: MAX_HEADER_BYTES, max_payload_bytes: MAX_PAYLOAD_BYTES },
    vectors.limits,
  );
});

test('key ids are the Python ones, from PEM and from raw base64', async () => {
  for (const [name, id] of Object.entries(vectors.key_ids)) {
    const [fromPem] = await importBundleKeys([vectors.keys[name]]);
    const [fromRaw] = await importBundleKeys([vectors.keys[`${name}:raw`]]);
    assert.equal(fromPem.keyId, id);
    assert.equal(fromRaw.keyId, id);
  }
});

test('keys that are not Ed25519 public keys are refused', async () => {
  assert.equal(rawPublicKey('AAAA'), null);
  assert.equal(rawPublicKey(42), null);
  const rsaLike = '-----BEGIN PUBLIC KEY-----\nMA0GCSqGSIb3DQEBAQUAAwIAAA==\n-----END PUBLIC KEY-----';
  assert.equal(rawPublicKey(rsaLike), null);
  await assert.rejects(importBundleKeys(['not a key']));
});

for (const c of vectors.cases) {
  test(`vector ${c.name}: ${c.reason ?? 'accepted'}`, async () => {
    assert.equal(await reasonFor(c), c.reason);
  });
}

test('the verified payload is the signed bytes, and the envelope hash is its sha256', async () => {
  const c = vectors.cases.find((x) => x.name === 'valid');
  const keys = await importBundleKeys([vectors.keys.old]);
  const verified = await verifySignedBundle(bytesOf(c), keys, { now: NOW });
  assert.equal(verified.header.version, 2);
  const digest = Buffer.from(await crypto.subtle.digest('SHA-256', bytesOf(c))).toString('hex');
  assert.equal(verified.envelopeSha256, digest);
});
