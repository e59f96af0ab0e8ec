// The JS engine's hand-written hashes (it runs synchronously in the service
// worker, whose Web Crypto is asynchronous): SHA-256 against FIPS 180 examples
// and node:crypto, Keccak-256 against published digests and, with the FIPS 202
// padding, against node:crypto's SHA3-256 (the same permutation).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import { KECCAK_PADDING, RATE, ROUND_CONSTANTS, ROTATIONS, SHA3_PADDING, keccak256 } from '../../extension/src/engine/keccak.js';
import { sha256 } from '../../extension/src/engine/sha256.js';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const ascii = (text) => new TextEncoder().encode(text);

/** Deterministic bytes (a small LCG), so a failure names a reproducible input. */
function bytesOf(length, seed) {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

const lengths = (block) => [
  ...Array.from({ length: 40 }, (_, i) => i),
  ...[block - 9, block - 8, block - 1, block, block + 1, 2 * block - 9, 2 * block - 8, 2 * block],
  300, 777,
];

test('sha256: the FIPS 180-2 examples', () => {
  assert.equal(hex(sha256(ascii(''))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(hex(sha256(ascii('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(
    hex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
});

test('sha256: equals node:crypto around the 64-byte block and padding boundaries', () => {
  for (const length of lengths(64)) {
    const data = bytesOf(length, length + 1);
    assert.equal(hex(sha256(data)), createHash('sha256').update(data).digest('hex'), `length ${length}`);
  }
});

test('keccak256: published digests (Ethereum keccak256)', () => {
  assert.equal(hex(keccak256(ascii(''))), 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  assert.equal(hex(keccak256(ascii('abc'))), '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
  assert.equal(hex(keccak256(ascii(''), KECCAK_PADDING)), hex(keccak256(ascii(''))));
});

test('keccak256 with the FIPS 202 padding equals node:crypto sha3-256', () => {
  for (const length of lengths(RATE)) {
    const data = bytesOf(length, 7 * length + 3);
    assert.equal(hex(keccak256(data, SHA3_PADDING)), createHash('sha3-256').update(data).digest('hex'), `length ${length}`);
  }
});

test('keccak: the computed constants are the FIPS 202 ones', () => {
  assert.equal(ROUND_CONSTANTS[0], 0x1n);
  assert.equal(ROUND_CONSTANTS[1], 0x8082n);
  assert.equal(ROUND_CONSTANTS[23], 0x8000000080008008n);
  assert.deepEqual(ROTATIONS.slice(0, 5), [0, 1, 62, 28, 27]);
});
