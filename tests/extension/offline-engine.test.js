// How the background reaches the offline engine's Worker: through an offscreen
// document on Chromium (created once, fed the bundle once per version), or
// directly on Firefox; and a host that never answers does not hang a scan.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDirectHost, createOffscreenHost, createOfflineEngine } from '../../extension/src/background/offline-engine.js';
import { OFFSCREEN_PATH, OFFSCREEN_TARGET } from '../../extension/src/shared/offscreen-protocol.js';

const RESULT = { verdict: 'warn', findings: [], complete: true, incomplete: [] };
const inputs = (key) => ({ key, bundle: { version: key, defaults: { budget_ms: 10 } }, policy: null });

// The offscreen document as the service worker sees it through ext.*.
function fakeOffscreen() {
  const state = { open: false, created: 0, known: null, sent: [] };
  const store = {
    offscreenOpen: async (path) => (assert.equal(path, OFFSCREEN_PATH), state.open),
    createOffscreen: async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (state.open) throw new Error('Only a single offscreen document may be created.');
      state.open = true;
      state.created++;
      state.known = null;
    },
    sendMessage: async (msg) => {
      assert.equal(msg.target, OFFSCREEN_TARGET);
      state.sent.push(msg.op);
      if (msg.op === 'load') state.known = msg.inputs.key;
      if (msg.op === 'scan') return state.known === msg.key ? { result: { ...RESULT, text: msg.text } } : { needBundle: true };
      return { ok: true };
    },
  };
  return { state, store };
}

test('offscreen: created once, bundle once per version, texts after', async () => {
  const { state, store } = fakeOffscreen();
  const host = createOffscreenHost({ store });
  await Promise.all([host.scan(inputs('a'), 'one', 'x'), host.scan(inputs('a'), 'two', 'x')]);
  assert.equal(state.created, 1);
  const third = await host.scan(inputs('a'), 'three', 'x');
  assert.equal(third.text, 'three');
  await host.scan(inputs('b'), 'four', 'x');
  assert.deepEqual(state.sent.filter((op) => op === 'load').length, 2);
  assert.equal(state.sent.filter((op) => op === 'scan').length, 4);
});

test('offscreen: a document that lost the bundle gets it again', async () => {
  const { state, store } = fakeOffscreen();
  const host = createOffscreenHost({ store });
  await host.scan(inputs('a'), 'one', 'x');
  state.known = null; // e.g. the document was reloaded
  const again = await host.scan(inputs('a'), 'two', 'x');
  assert.equal(again.text, 'two');
  assert.deepEqual(state.sent.slice(-3), ['scan', 'load', 'scan']);
});

test('direct (Firefox): the background owns the Worker', async () => {
  const loads = [];
  const host = createDirectHost({
    createWorker: () => {
      const worker = {
        postMessage(m) {
          if (m.op === 'load') loads.push(m.bundle.version);
          else queueMicrotask(() => worker.onmessage({ data: { id: m.id, result: RESULT } }));
        },
        terminate() {},
      };
      return worker;
    },
  });
  assert.deepEqual(await host.scan(inputs('a'), 't', 'x'), RESULT);
  await host.scan(inputs('a'), 't', 'x');
  assert.deepEqual(loads, ['a']);
});

test('a host that never answers gives null after its watchdog and a grace period', async () => {
  const engine = createOfflineEngine({
    rules: { offlineInputs: async () => inputs('a') },
    host: { scan: () => new Promise(() => {}) },
  });
  const started = Date.now();
  assert.equal(await engine.scan('x', 'x'), null);
  assert.ok(Date.now() - started >= 1000);
  const none = createOfflineEngine({ rules: { offlineInputs: async () => null }, host: {} });
  assert.equal(await none.scan('x', 'x'), null);
});
