// Loading bundles: caching by version, rules the bundle keeps for the backend,
// and clear errors for bundles or rules the JS engine cannot run.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

import { BundleError, compileBundle, scan } from '../../extension/src/engine/index.js';
import { bundleWith, shippedBundle, syntheticRule } from './bundle-fixture.js';

test('compiled bundles are cached by version', () => {
  const first = compileBundle(shippedBundle());
  assert.equal(compileBundle(shippedBundle()), first);
  assert.notEqual(compileBundle(bundleWith()), first);
});

test('rules without the js runtime are skipped and listed', () => {
  const bundle = shippedBundle();
  const compiled = compileBundle(bundle);
  const backendOnly = bundle.rules.filter((r) => !r.runtimes.includes('js')).map((r) => r.id);
  assert.ok(backendOnly.includes('phone-number'));
  assert.deepEqual(compiled.notRun.map((rule) => rule.id), backendOnly.sort());
  const text = 'call me on +44 20 7946 0958 after six';
  assert.ok(scan(compiled, text).findings.every((f) => f.type !== 'PHONE'));
});

test('an unsupported bundle format is refused', () => {
  assert.throws(() => compileBundle({ ...bundleWith(), format: 2 }), BundleError);
});

test('a rule the bundle marks for js but JS cannot run names the rule', () => {
  const cases = [
    syntheticRule('needs-builtin', '[0-9]+', { builtin: 'phone_number' }),
    syntheticRule('unknown-validator', '[0-9]+', { validators: [{ name: 'stdnum' }] }),
    syntheticRule('bad-syntax', '(?<value>[0-9]+'),
    // With the i flag Python matches "i" but not "I" through U+0130; JS cannot.
    syntheticRule('lone-dotted-i', '[\u0130]', { flags: 'i' }),
  ];
  for (const rule of cases) {
    assert.throws(() => compileBundle(bundleWith({ rules: [rule] })), (error) => {
      assert.ok(error instanceof BundleError);
      assert.match(error.message, new RegExp(`^rule ${rule.id}: `));
      return true;
    });
  }
});

test('an iban rule without its country table (bundle.yaml) names the rule', () => {
  const shipped = shippedBundle();
  for (const params of [undefined, {}, { countries: {} }, { countries: { NO: '11n' } }]) {
    const iban = params === undefined ? { runtimes: ['python', 'js'] } : { runtimes: ['python', 'js'], params };
    const bundle = { ...bundleWith(), validators: { ...shipped.validators, iban } };
    assert.throws(() => compileBundle(bundle), (error) => {
      assert.ok(error instanceof BundleError);
      assert.match(error.message, /^rule iban: Error: iban: /);
      return true;
    });
  }
});

test('a seed-phrase rule without its wordlist (bundle.yaml) names the rule', () => {
  const shipped = shippedBundle();
  for (const params of [undefined, {}, { wordlist: 'abandon ability' }, { wordlist: ['abandon'] }]) {
    const bip39 = params === undefined ? { runtimes: ['python', 'js'] } : { runtimes: ['python', 'js'], params };
    const bundle = { ...bundleWith(), validators: { ...shipped.validators, bip39 } };
    assert.throws(() => compileBundle(bundle), (error) => {
      assert.ok(error instanceof BundleError);
      assert.match(error.message, /^rule bip39-seed-phrase: Error: bip39: /);
      return true;
    });
  }
});

test('scan refuses anything but a string', () => {
  const compiled = compileBundle(shippedBundle());
  assert.throws(() => scan(compiled, undefined), TypeError);
  assert.throws(() => scan(compiled, { text: 'card' }), TypeError);
});

test('the engine is pure: no chrome.*, no DOM, only relative imports', () => {
  const root = new URL('../../extension/src/engine/', import.meta.url);
  const files = readdirSync(root, { recursive: true }).filter((name) => name.endsWith('.js'));
  assert.ok(files.length > 5);
  for (const name of files) {
    const source = readFileSync(new URL(name, root), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    assert.doesNotMatch(source, /\b(?:chrome|browser|document|window|navigator)\./, name);
    for (const [, specifier] of source.matchAll(/\bfrom\s+'([^']+)'/g)) {
      assert.match(specifier, /^\.\.?\//, `${name} imports ${specifier}`);
    }
  }
});
