import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MASK_CHAR, maskValue } from '../../extension/src/shared/mask-value.js';
import { codePointToUtf16 } from '../../extension/src/shared/offsets.js';
import { hashText } from '../../extension/src/shared/text-hash.js';

test('hashText is stable, length-keyed and tells near-identical texts apart', () => {
  assert.equal(hashText('card 4111'), hashText('card 4111'));
  assert.notEqual(hashText('card 4111'), hashText('card 4112'));
  assert.notEqual(hashText('ab'), hashText('ba'));
  assert.match(hashText('hello'), /^5:[0-9a-z]+$/);
});

test('hashText never contains the text', () => {
  assert.ok(!hashText('secret-value-123').includes('secret'));
});

test('code-point offsets become UTF-16 offsets past astral characters', () => {
  const text = '😀 card 4111';
  // "😀" is 1 code point, 2 UTF-16 units: code point 2 ("c") is unit 3.
  assert.deepEqual(codePointToUtf16(text, [2, 6, 11]), [3, 7, 12]);
  assert.deepEqual(codePointToUtf16('plain', [0, 5]), [0, 5]);
});

test('maskValue keeps separators and the last four, same length', () => {
  const card = '4111 1111 1111 1111';
  const masked = maskValue(card);
  assert.equal(masked, `${MASK_CHAR.repeat(4)} ${MASK_CHAR.repeat(4)} ${MASK_CHAR.repeat(4)} 1111`);
  assert.equal(masked.length, card.length);
  assert.equal(maskValue('sk_live_abcdefghijkl'), `${MASK_CHAR.repeat(2)}_${MASK_CHAR.repeat(4)}_${MASK_CHAR.repeat(8)}ijkl`);
});

test('short values are masked entirely', () => {
  assert.equal(maskValue('1234'), MASK_CHAR.repeat(4));
  assert.equal(maskValue('12-34'), `${MASK_CHAR.repeat(2)}-${MASK_CHAR.repeat(2)}`);
});
