// The offset map of the normalisation: one edit per run of removed or expanded
// characters, and exactly the map of replacing each character on its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { NormalizationTable, normalize } from '../../extension/src/engine/normalize.js';

const table = new NormalizationTable({
  remove: [[0x00ad, 0x00ad], [0x200b, 0x200f], [0xfeff, 0xfeff]],
  dash: [[0x2010, 0x2015], [0x2212, 0x2212]],
  space: [[0x00a0, 0x00a0], [0x2000, 0x200a]],
});

/** The definition: each code point replaced on its own; every normalised code
 * point points back at the code point it came from. */
function perCharacter(text) {
  let out = '';
  const origin = [];
  let index = 0;
  for (const char of text) {
    const replacement = table.replacement(char);
    out += replacement;
    for (let n = Array.from(replacement).length; n > 0; n -= 1) origin.push(index);
    index += 1;
  }
  return { text: out, origin };
}

test('a long run of removed characters is one edit', () => {
  const text = `${'\u200b'.repeat(100_000)}41 \u200b\u200b 11`;
  const result = normalize(text, table);
  assert.equal(result.text, '41  11');
  assert.equal(result.editNorm.length, 2);
  assert.deepEqual(result.spanToOriginal(0, 6), [100_000, text.length]);
});

test('a long run of expanded characters is two edits', () => {
  const text = `x${'\u2474'.repeat(50_000)}y`; // each (1) is three characters
  const result = normalize(text, table);
  assert.equal(result.text, `x${'(1)'.repeat(50_000)}y`);
  assert.equal(result.editNorm.length, 2);
  assert.deepEqual(result.spanToOriginal(1 + 3 * 7, 1 + 3 * 9), [8, 10]);
  assert.deepEqual(result.spanToOriginal(1 + 3 * 50_000, 2 + 3 * 50_000), [50_001, 50_002]);
});

test('the offset map equals the per-character definition', () => {
  const alphabet = [
    ...'ab1 -\u200b\u00ad\ufeff\u2474\ufb01\ufdfa\u3392\u2013\u00a0\uff14',
    '\u{1f600}',
    '\u{1d7d2}',
    '\ud800',
  ];
  let seed = 11;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 3000; round += 1) {
    let text = '';
    for (let i = random(41); i > 0; i -= 1) text += alphabet[random(alphabet.length)];
    const expected = perCharacter(text);
    const result = normalize(text, table);
    assert.equal(result.text, expected.text, JSON.stringify(text));
    const mapped = expected.origin.map((_, j) => result.toOriginal(j));
    assert.deepEqual(mapped, expected.origin, JSON.stringify(text));
  }
});
