// The per-editor flow: debounce, one request in flight, the verdict cache, and
// the guard's hold/release on submit, on a jsdom textarea with a fake scanner.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { installDom, sleep } from './helpers/dom.js';

installDom();
const { ComposerSession } = await import('../../extension/src/content/composer-session.js');
const { createGuard } = await import('../../extension/src/content/guard.js');
const { createVerdictCache } = await import('../../extension/src/content/verdict-cache.js');
const { GENERIC_ADAPTER } = await import('../../extension/src/content/platforms/index.js');

const FLAGGED = { source: 'service', verdict: 'block', complete: true, rules_version: 'r1',
  findings: [{ rule_id: 'credit-card', category: 'account_number', type: 'CREDIT_CARD', severity: 'high',
    start: 0, end: 4, preview: '•••• 1111', message: 'm', action: 'block_with_override' }] };
const CLEAN = { source: 'service', verdict: 'allow', complete: true, findings: [] };

let scans;
let env;

function fakeView() {
  return { setState() {}, render() {}, reposition() {}, showReason() {}, setStatus() {}, destroy() {} };
}

function makeEnv({ delay = 5 } = {}) {
  scans = [];
  return {
    config: { debounceMs: 30, submitWaitMs: 200, failPolicy: 'open' },
    cache: createVerdictCache(),
    scan: async (text) => {
      scans.push(text);
      await sleep(delay);
      return text.includes('4111') ? FLAGGED : CLEAN;
    },
    send: async () => ({}),
    release: () => {},
    recordPosted: () => {},
  };
}

function textarea() {
  document.body.innerHTML = '<form><textarea></textarea><button type="button">Post</button></form>';
  return document.querySelector('textarea');
}

beforeEach(() => {
  env = makeEnv();
});

test('a burst of input is checked once, after the pause', async () => {
  const el = textarea();
  const session = new ComposerSession({ el, adapter: GENERIC_ADAPTER, kind: 'textarea', env, createView: fakeView });
  for (const ch of '4111 card') {
    el.value += ch;
    session.noteInput();
    await sleep(2);
  }
  assert.equal(session.state, 'pending');
  await sleep(80);
  assert.deepEqual(scans, ['4111 card']);
  assert.equal(session.state, 'flagged');
});

test('one request in flight; the newer text goes next; the cache answers repeats', async () => {
  env = makeEnv({ delay: 60 });
  const el = textarea();
  const session = new ComposerSession({ el, adapter: GENERIC_ADAPTER, kind: 'textarea', env, createView: fakeView });
  el.value = 'hello';
  session.noteInput(0);
  await sleep(10);
  el.value = 'hello 4111';
  session.noteInput(0);
  await sleep(10);
  assert.deepEqual(scans, ['hello']); // still in flight: not a second request
  await sleep(150);
  assert.deepEqual(scans, ['hello', 'hello 4111']);
  assert.equal(session.state, 'flagged');
  el.value = 'hello';
  session.noteInput(0);
  await sleep(20);
  assert.equal(scans.length, 2, 'answered from the cache');
  assert.equal(session.state, 'clean');
});

test('verdictNow waits for the check, or gives up after the limit', async () => {
  env = makeEnv({ delay: 100 });
  const el = textarea();
  const session = new ComposerSession({ el, adapter: GENERIC_ADAPTER, kind: 'textarea', env, createView: fakeView });
  el.value = 'x 4111';
  assert.equal(await session.verdictNow(20), null);
  const later = await session.verdictNow(300);
  assert.equal(later.state, 'flagged');
  assert.equal(session.cachedVerdict().state, 'flagged');
});

function keydown(el, init) {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, composed: true, ...init });
  el.dispatchEvent(event);
  return event;
}

function guardPage() {
  const el = textarea();
  const guard = createGuard({ adapters: [GENERIC_ADAPTER], env, createView: fakeView });
  const listener = (e) => guard.handle(e);
  for (const type of ['keydown', 'click', 'submit', 'input', 'focusin']) window.addEventListener(type, listener, true);
  const posted = [];
  el.addEventListener('keydown', (e) => e.ctrlKey && e.key === 'Enter' && posted.push('key'));
  document.querySelector('button').addEventListener('click', () => posted.push('click'));
  env.release = (session) => guard.release(session);
  const cleanup = () => {
    for (const type of ['keydown', 'click', 'submit', 'input', 'focusin']) window.removeEventListener(type, listener, true);
  };
  return { el, guard, posted, cleanup };
}

test('guard: flagged text is held on Ctrl+Enter and on the Post click', async () => {
  const { el, guard, posted, cleanup } = guardPage();
  el.value = 'card 4111';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  await sleep(60);
  assert.equal(guard.sessions.get(el).state, 'flagged');
  const e = keydown(el, { key: 'Enter', ctrlKey: true });
  assert.ok(e.defaultPrevented);
  document.querySelector('button').click();
  await sleep(10);
  assert.deepEqual(posted, []);
  assert.equal(guard.sessions.get(el).held.kind, 'click');
  cleanup();
});

test('guard: clean text passes untouched; IME Enter is never intercepted', async () => {
  const { el, posted, cleanup } = guardPage();
  el.value = 'hello there';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  await sleep(60);
  const e = keydown(el, { key: 'Enter', ctrlKey: true });
  assert.ok(!e.defaultPrevented);
  assert.deepEqual(posted, ['key']);
  el.value = 'card 4111';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  await sleep(60);
  const ime = keydown(el, { key: 'Enter', ctrlKey: true, isComposing: true });
  assert.ok(!ime.defaultPrevented);
  cleanup();
});

test('guard: a submit before the verdict is held, then replayed through the button', async () => {
  const { el, posted, cleanup } = guardPage();
  el.value = 'hello there';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  document.querySelector('button').click(); // before the 30 ms pause ends
  assert.deepEqual(posted, []);
  await sleep(60);
  assert.deepEqual(posted, ['click']);
  cleanup();
});

test('guard: a submit before a flagged verdict stays held', async () => {
  const { el, guard, posted, cleanup } = guardPage();
  el.value = 'card 4111';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  keydown(el, { key: 'Enter', ctrlKey: true });
  await sleep(60);
  assert.deepEqual(posted, []);
  assert.equal(guard.sessions.get(el).state, 'flagged');
  cleanup();
});

test('guard: no verdict in time: fail open posts, fail closed keeps holding', async () => {
  for (const [failPolicy, expected] of [['open', ['click']], ['closed', []]]) {
    env = makeEnv({ delay: 400 });
    env.config.failPolicy = failPolicy;
    const { el, posted, cleanup } = guardPage();
    el.value = 'hello';
    el.dispatchEvent(new Event('input', { bubbles: true }));
    document.querySelector('button').click();
    await sleep(260);
    assert.deepEqual(posted, expected, failPolicy);
    cleanup();
    await sleep(200);
  }
});
