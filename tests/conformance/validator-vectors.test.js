// The shared validator vectors (shared_rules/vectors/*.json) through the JS
// validators; test_validator_vectors.py runs the same files in Python. A validator
// gets the bundle-wide params the shipped bundle gives it (the IBAN countries),
// under the vector's own, as in a scan.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

import { VALIDATORS } from '../../extension/src/engine/validators/index.js';

const vectorDir = new URL('../../shared_rules/vectors/', import.meta.url);
const bundle = JSON.parse(readFileSync(new URL('../../extension/rules/ruleset.json', import.meta.url), 'utf8'));
const shared = (name) => bundle.validators?.[name]?.params ?? {};
const files = readdirSync(vectorDir).filter((name) => name.endsWith('.json')).sort();

test('vector files exist', () => {
  assert.ok(files.length > 0, 'no vector files in shared_rules/vectors/');
});

for (const file of files) {
  const spec = JSON.parse(readFileSync(new URL(file, vectorDir), 'utf8'));
  test(`vectors for ${spec.validator}`, async (t) => {
    const validator = VALIDATORS[spec.validator];
    assert.ok(validator, `no JS validator named ${spec.validator}`);
    for (const [number, vector] of spec.vectors.entries()) {
      await t.test(`${number}: ${vector.why}`, () => {
        const params = { ...shared(spec.validator), ...(vector.params ?? {}) };
        assert.equal(validator.validate(vector.value, params), vector.valid);
      });
    }
  });
}
