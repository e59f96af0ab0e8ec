// The content script's scan path: service answer, offline engine (the real JS
// engine on the packaged bundle), or "unchecked".
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createOfflineEngine } from '../../extension/src/content/offline-engine.js';
import { createScanner } from '../../extension/src/content/scanner.js';

const BUNDLE_URL = new URL('../../extension/rules/ruleset.json', import.meta.url);
const ENGINE_URL = new URL('../../extension/src/engine/index.js', import.meta.url);

test('a service answer is passed through', async () => {
  const scan = createScanner({
    send: async (m) => ({ source: 'service', findings: [], verdict: 'allow', failPolicy: 'open', echo: m.text }),
    scanOffline: async () => assert.fail('offline engine must not run'),
  });
  const result = await scan('hi', 'x');
  assert.equal(result.source, 'service');
  assert.equal(result.echo, 'hi');
});

test('service down and no engine: unchecked, with the fail policy', async () => {
  const scan = createScanner({ send: async () => ({ source: 'offline', failPolicy: 'closed' }), scanOffline: async () => null });
  assert.deepEqual(await scan('hi', 'x'), { source: 'unchecked', failPolicy: 'closed' });
  const broken = createScanner({ send: async () => { throw new Error('Extension context invalidated.'); }, scanOffline: async () => null });
  assert.deepEqual(await broken('hi', 'x'), { source: 'unchecked', reason: 'extension-reloaded', failPolicy: 'open' });
});

test('offline engine: compiled once per bundle version, reloaded when it changes', async () => {
  const compiled = [];
  const engine = {
    compileBundle: (b) => (compiled.push(b.version), { v: b.version }),
    scan: (c, text) => ({ findings: [], verdict: 'allow', complete: true, text_length: text.length, used: c.v }),
  };
  let version = 'a';
  const offline = createOfflineEngine({ importEngine: async () => engine, getBundle: async () => ({ bundle: { version } }) });
  await offline('x', { bundleVersion: 'a' });
  await offline('y', { bundleVersion: 'a' });
  version = 'b';
  const result = await offline('z', { bundleVersion: 'b' });
  assert.deepEqual(compiled, ['a', 'b']);
  assert.equal(result.used, 'b');
  assert.equal(result.rules_version, 'b');
});

test('offline engine: a missing engine module yields null, not an exception', async () => {
  const offline = createOfflineEngine({ importEngine: async () => { throw new Error('404'); }, getBundle: async () => ({}) });
  assert.equal(await offline('x'), null);
});

test('offline: the real JS engine on the packaged bundle flags a card number', async () => {
  const bundle = JSON.parse(readFileSync(BUNDLE_URL, 'utf8'));
  const scan = createScanner({
    send: async () => ({ source: 'offline', failPolicy: 'open', bundleVersion: bundle.version }),
    scanOffline: createOfflineEngine({ importEngine: () => import(ENGINE_URL.href), getBundle: async () => ({ bundle }) }),
  });
  const result = await scan('card 4111 1111 1111 1111 thanks', 'x');
  assert.equal(result.source, 'offline');
  const ids = result.findings.map((f) => f.rule_id);
  assert.ok(ids.includes('credit-card'), ids.join(','));
  const card = result.findings.find((f) => f.rule_id === 'credit-card');
  assert.deepEqual([card.start, card.end], [5, 24]);
  assert.ok(!JSON.stringify(result).includes('4111 1111 1111 1111'), 'no raw value in the result');
});
