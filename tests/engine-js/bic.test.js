// The bic validator's country list: the bundle gives it, prepare() checks it
// (the twin of tests/engine/test_bic_validator.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { VALIDATORS } from '../../extension/src/engine/validators/index.js';
import { shippedBundle } from './bundle-fixture.js';

const bic = VALIDATORS.bic;

test('the shipped bundle lists each country once and prepare accepts it', () => {
  const countries = shippedBundle().validators.bic.params.countries;
  assert.equal(new Set(countries).size, countries.length);
  assert.ok(countries.includes('XK') && countries.includes('NO'));
  assert.doesNotThrow(() => bic.prepare({ countries }));
});

test('prepare refuses a bad country list', () => {
  for (const countries of [undefined, [], ['DE', 'de'], ['DE', 'DEU'], ['DE', false]]) {
    assert.throws(() => bic.prepare({ countries }), /^Error: bic: /);
  }
});

test('without countries nothing is valid', () => {
  assert.equal(bic.validate('DEUTDEFF', { countries: ['DE'] }), true);
  assert.equal(bic.validate('DEUTDEFF', {}), false);
  assert.equal(bic.validate('DEUTDEFF', { countries: ['FR'] }), false);
});
