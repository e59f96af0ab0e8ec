// The shared validator vectors (shared_rules/vectors/*.json) through the JS
// validators; test_validator_vectors.py runs the same files in Python.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

import { VALIDATORS } from '../../extension/src/engine/validators/index.js';

const vectorDir = new URL('../../shared_rules/vectors/', import.meta.url);
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
        assert.equal(validator.validate(vector.value, vector.params ?? {}), vector.valid);
      });
    }
  });
}
