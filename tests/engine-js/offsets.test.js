// Spans are code points of the original text, whatever the text holds around
// or inside the value: astral characters, full-width digits, invisible characters.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileBundle, scan } from '../../extension/src/engine/index.js';
import { covered, shippedBundle } from './bundle-fixture.js';

const compiled = compileBundle(shippedBundle());
const CARD = '4111 1111 1111 1111';
// No time budget a busy machine could use up: these tests are about offsets.
const unhurried = { budgetMs: Infinity };

const writings = {
  plain: CARD,
  'full-width digits': '４１１１ １１１１ １１１１ １１１１',
  'mathematical digits (astral)': '𝟒𝟏𝟏𝟏 𝟏𝟏𝟏𝟏 𝟏𝟏𝟏𝟏 𝟏𝟏𝟏𝟏',
  'zero-width spaces': '4111\u200b1111\u200b1111\u200b1111',
  'soft hyphen and joiner': '41\u00ad11 1111 1111 11\u200d11',
  'en dashes and no-break spaces': '4111\u20131111\u00a01111\u20131111',
};
const surroundings = {
  'emoji before': (value) => `😀👩‍💻 card ${value} thanks`,
  'emoji after': (value) => `card ${value} 😀 exp 09/27 😀`,
  'ligatures before': (value) => `ﬁle ㎒ ① card ${value}`,
};

for (const [writingName, written] of Object.entries(writings)) {
  for (const [placeName, place] of Object.entries(surroundings)) {
    test(`card in ${writingName}, ${placeName}`, () => {
      const text = place(written);
      const [finding, ...rest] = scan(compiled, text, unhurried).findings;
      assert.deepEqual(rest, []);
      assert.equal(finding.type, 'CREDIT_CARD');
      assert.equal(covered(text, finding), written);
      assert.equal(finding.preview, '•••• 1111');
    });
  }
}

test('an emoji inside a password stays inside its span', () => {
  const text = '🔒 my password is hunt🔑er2, ok';
  const [finding] = scan(compiled, text, unhurried).findings;
  assert.equal(covered(text, finding), 'hunt🔑er2');
});

test('findings never carry the matched value', () => {
  const text = `card ${CARD} and key AKIAZ7QF3RTYUIOPLKJH`;
  const result = scan(compiled, text, unhurried);
  assert.equal(result.findings.length, 2);
  const serialised = JSON.stringify(result);
  assert.ok(!serialised.includes(CARD) && !serialised.includes('AKIAZ7QF3RTYUIOPLKJH'));
});
