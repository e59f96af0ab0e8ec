// The pure-JS HMAC-SHA-256 behind hashed confidential terms, against node:crypto:
// keys shorter and longer than a block, messages that fill one, two and three
// blocks, and the key id the service and central compute.
import assert from 'node:assert/strict';
import { createHash, createHmac as nodeHmac } from 'node:crypto';
import { test } from 'node:test';

import { createHmac, wordsKey } from '../../extension/src/engine/hmac-sha256.js';
import { keyIdOf } from '../../extension/src/engine/hashed-terms.js';

const bytes = (n, seed) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

test('HMAC-SHA-256 equals node:crypto for every message length up to three blocks', () => {
  for (const keyLength of [0, 16, 32, 64, 65, 200]) {
    const key = bytes(keyLength, 7);
    const mac = createHmac(key, 8);
    for (let length = 0; length <= 3 * 64 + 9; length += 1) {
      const message = bytes(length, length);
      const expected = nodeHmac('sha256', key).update(message).digest('hex');
      assert.equal(mac(message), wordsKey(expected), `key ${keyLength}, message ${length}`);
    }
  }
});

test('a truncated mac is the first words of the full one', () => {
  const key = bytes(32, 1);
  const message = new TextEncoder().encode('projectfaicon');
  const full = nodeHmac('sha256', key).update(message).digest('hex');
  assert.equal(createHmac(key, 3)(message), wordsKey(full.slice(0, 24)));
});

test('the key id is SHA-256 of a label and the key, cut to 16 hex digits', () => {
  const key = bytes(32, 3);
  const expected = createHash('sha256').update('postguard-term-key\n').update(key).digest('hex');
  assert.equal(keyIdOf(key), expected.slice(0, 16));
});
