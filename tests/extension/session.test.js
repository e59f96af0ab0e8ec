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
// A rule in simulation: shown to nobody, recorded when the post goes out.
const SIMULATED = { rule_id: 'jwt', category: 'credential', type: 'SECRET', severity: 'high',
  start: 0, end: 3, preview: 'eyJ•••', message: 'm', action: 'audit', simulated_action: 'block' };
const AUDITED = { ...CLEAN, findings: [SIMULATED] };
const MIXED = { ...FLAGGED, findings: [...FLAGGED.findings, SIMULATED] };

let scans;
let env;

// Waits for an outcome instead of for a fixed time: the suite also runs on
// busy machines, where a 30 ms pause can take far longer.
async function until(predicate, what = 'condition', ms = 3000) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function fakeView() {
  return { setState() {}, render() {}, reposition() {}, showReason() {}, setStatus() {}, destroy() {} };
}

// `gate`: scans wait until env.open() instead of `delay` ms.
function makeEnv({ delay = 5, gate = false } = {}) {
  scans = [];
  let open = !gate;
  const waiting = [];
  return {
    config: { debounceMs: 30, submitWaitMs: 200, failPolicy: 'open' },
    cache: createVerdictCache(),
    open() {
      open = true;
      waiting.splice(0).forEach((go) => go());
    },
    scan: async (text) => {
      scans.push(text);
      if (open) await sleep(delay);
      else await new Promise((go) => waiting.push(go));
      if (text.includes('4111')) return text.includes('eyJ') ? MIXED : FLAGGED;
      return text.includes('eyJ') ? AUDITED : CLEAN;
    },
    send: async () => ({}),
    release: () => {},
    recorded: [],
    recordPosted(session, verdict) {
      this.recorded.push(verdict.audit.map((f) => f.rule_id));
    },
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
  }
  assert.equal(session.state, 'pending');
  await until(() => session.state === 'flagged', 'the verdict');
  assert.deepEqual(scans, ['4111 card']);
  assert.equal(session.state, 'flagged');
});

test('one request in flight; the newer text goes next; the cache answers repeats', async () => {
  env = makeEnv({ gate: true });
  const el = textarea();
  const session = new ComposerSession({ el, adapter: GENERIC_ADAPTER, kind: 'textarea', env, createView: fakeView });
  el.value = 'hello';
  session.noteInput(0);
  await until(() => scans.length === 1, 'the first request');
  el.value = 'hello 4111';
  session.noteInput(0);
  await sleep(20);
  assert.deepEqual(scans, ['hello']); // still in flight: not a second request
  env.open();
  await until(() => session.state === 'flagged', 'the newer text checked');
  assert.deepEqual(scans, ['hello', 'hello 4111']);
  el.value = 'hello';
  session.noteInput(0);
  await until(() => session.state === 'clean', 'the cached verdict');
  assert.equal(scans.length, 2, 'answered from the cache');
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
  await until(() => guard.sessions.get(el).state === 'flagged', 'flagged');
  const e = keydown(el, { key: 'Enter', ctrlKey: true });
  assert.ok(e.defaultPrevented);
  document.querySelector('button').click();
  await sleep(10);
  assert.deepEqual(posted, []);
  assert.equal(guard.sessions.get(el).held.kind, 'click');
  cleanup();
});

test('guard: clean text passes untouched; IME Enter is never intercepted', async () => {
  const { el, guard, posted, cleanup } = guardPage();
  el.value = 'hello there';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  await until(() => guard.sessions.get(el).state === 'clean', 'clean');
  const e = keydown(el, { key: 'Enter', ctrlKey: true });
  assert.ok(!e.defaultPrevented);
  assert.deepEqual(posted, ['key']);
  el.value = 'card 4111';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  await until(() => guard.sessions.get(el).state === 'flagged', 'flagged');
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
  await until(() => posted.length > 0, 'the replayed click');
  assert.deepEqual(posted, ['click']);
  cleanup();
});

test('guard: a submit before a flagged verdict stays held', async () => {
  const { el, guard, posted, cleanup } = guardPage();
  el.value = 'card 4111';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  keydown(el, { key: 'Enter', ctrlKey: true });
  await until(() => guard.sessions.get(el).state === 'flagged', 'flagged');
  await sleep(20);
  assert.deepEqual(posted, []);
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

test('guard: what nobody was shown is recorded once with the post, however it goes out', async () => {
  // A verdict known at the click: the post passes and is recorded.
  let page = guardPage();
  page.el.value = 'token eyJ';
  page.el.dispatchEvent(new Event('input', { bubbles: true }));
  await until(() => page.guard.sessions.get(page.el).state === 'clean', 'clean');
  document.querySelector('button').click();
  assert.deepEqual(page.posted, ['click']);
  assert.deepEqual(env.recorded, [['jwt']]);
  page.cleanup();

  // Held until the verdict came, then replayed through the button.
  env = makeEnv();
  page = guardPage();
  page.el.value = 'token eyJ';
  page.el.dispatchEvent(new Event('input', { bubbles: true }));
  document.querySelector('button').click();
  await until(() => page.posted.length > 0, 'the replayed click');
  await sleep(20);
  assert.deepEqual(page.posted, ['click']);
  assert.deepEqual(env.recorded, [['jwt']]);
  page.cleanup();

  // Held for a finding that is shown, then posted anyway.
  env = makeEnv();
  page = guardPage();
  page.el.value = 'card 4111 token eyJ';
  page.el.dispatchEvent(new Event('input', { bubbles: true }));
  await until(() => page.guard.sessions.get(page.el).state === 'flagged', 'flagged');
  document.querySelector('button').click();
  assert.deepEqual(env.recorded, [], 'held: nothing posted yet');
  env.release(page.guard.sessions.get(page.el));
  await until(() => page.posted.length > 0, 'the released click');
  assert.deepEqual(env.recorded, [['jwt']]);
  page.cleanup();
});

test('guard: a post let through without a verdict records no findings, not even an older text\'s', async () => {
  env = makeEnv({ delay: 400 });
  const { el, guard, posted, cleanup } = guardPage();
  el.value = 'token eyJ';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  await until(() => guard.sessions.get(el).state === 'clean', 'the first verdict', 2000);
  el.value = 'token eyJ and more';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  document.querySelector('button').click(); // past submitWaitMs before its verdict
  await until(() => posted.length > 0, 'the fail-open release', 1000);
  await sleep(300); // the late verdict arrives; the post has gone without it
  assert.deepEqual(env.recorded, []);
  cleanup();
});

// The session owns its hold: these are the only ways in and out of it.
function countingView() {
  const view = { ...fakeView(), renders: 0 };
  view.render = () => view.renders++;
  return view;
}

function bareSession(extra = {}) {
  const view = countingView();
  const session = new ComposerSession({ el: textarea(), adapter: GENERIC_ADAPTER, kind: 'textarea', env,
    createView: () => view, ...extra });
  return { session, view };
}

test('session.hold: holds the trigger, shows "checking" without a verdict, and supersedes older holds', () => {
  const { session, view } = bareSession();
  const first = session.hold({ kind: 'click' }, { checking: true });
  assert.equal(session.held.kind, 'click');
  assert.equal(session.state, 'pending');
  assert.equal(view.renders, 1);
  assert.ok(session.isHolding(first));
  const second = session.hold({ kind: 'key' });
  assert.ok(!session.isHolding(first), 'a newer hold supersedes the older one');
  assert.ok(session.isHolding(second));
  assert.equal(session.held.kind, 'key');
});

test('session.release: returns the held trigger once, then { kind: "none" }', () => {
  const { session } = bareSession();
  const id = session.hold({ kind: 'form' });
  assert.equal(session.release().kind, 'form');
  assert.equal(session.held, null);
  assert.ok(!session.isHolding(id));
  assert.deepEqual(session.release(), { kind: 'none' });
});

test('session.dismiss: cancels the hold and hides the banner for this text only', () => {
  const { session, view } = bareSession();
  session.verdict = { ...session.verdict, hash: 'h1' };
  const id = session.hold({ kind: 'click' });
  session.ui.askReason = true;
  assert.ok(!session.isDismissed(), 'a hold shows the banner again');
  assert.equal(session.dismiss(), true, 'a submit was held');
  assert.ok(!session.isHolding(id));
  assert.equal(session.held, null);
  assert.equal(session.ui.askReason, false);
  assert.ok(session.isDismissed());
  assert.equal(view.renders, 2);
  assert.equal(session.dismiss(), false, 'nothing was held the second time');
  session.verdict = { ...session.verdict, hash: 'h2' };
  assert.ok(!session.isDismissed(), 'another text gets its banner');
});

test('session.markUnchecked: the held post says why it was not checked', () => {
  const { session, view } = bareSession();
  session.verdict = { ...session.verdict, findings: [{ rule_id: 'x' }], hash: 'h' };
  session.hold({ kind: 'click' }, { checking: true });
  session.markUnchecked('no check in time');
  assert.equal(session.state, 'unchecked');
  assert.deepEqual(session.verdict.findings, []);
  assert.equal(session.verdict.notice, 'no check in time');
  assert.equal(session.verdict.hash, 'h');
  assert.equal(session.held.kind, 'click', 'still held');
  assert.equal(view.renders, 2);
});

test('abort: the page signal stops sessions, their timers and the guard', async () => {
  const controller = new AbortController();
  const el = textarea();
  const guard = createGuard({ adapters: [GENERIC_ADAPTER], env, createView: fakeView, signal: controller.signal });
  el.value = 'card 4111';
  guard.handle({ type: 'input', composedPath: () => [el] });
  const session = guard.sessions.get(el);
  let destroyed = 0;
  session.view.destroy = () => destroyed++;
  controller.abort();
  assert.equal(destroyed, 1);
  assert.equal(guard.sessions.size, 0);
  guard.handle({ type: 'input', composedPath: () => [el] });
  assert.equal(guard.sessions.size, 0, 'an aborted guard takes no new boxes');
  await sleep(60); // past the debounce: the cancelled check never runs
  assert.deepEqual(scans, []);
});

// An adapter whose page shows who the box answers (`ctx` may change later).
function replyAdapter(ctx) {
  return { ...GENERIC_ADAPTER, platform: 'x', contextOf: () => ctx.value };
}

test('a box that answers someone is checked at once, empty, with its context', async () => {
  const seen = [];
  env.scan = async (text, platform, context) => (seen.push({ text, platform, context }), CLEAN);
  const el = textarea();
  const ctx = { value: { audience: 'reply', targets: [{ handle: '@AcmeSupp0rt', kind: 'reply_to' }] } };
  const guard = createGuard({ adapters: [replyAdapter(ctx)], env, createView: fakeView });
  guard.sessionFor(el); // what focusing the box does
  await until(() => seen.length === 1, 'the check before typing');
  assert.deepEqual(seen[0], { text: '', platform: 'x', context: ctx.value });
});

test('a box with nothing to say about its audience sends no context; the same text elsewhere is a new check', async () => {
  const seen = [];
  env.scan = async (text, platform, context) => (seen.push(context), CLEAN);
  const el = textarea();
  const ctx = { value: { audience: 'unknown', targets: [] } };
  const session = new ComposerSession({ el, adapter: replyAdapter(ctx), kind: 'textarea', env, createView: fakeView });
  el.value = 'hello';
  session.noteInput(0);
  await until(() => seen.length === 1, 'the first check');
  assert.equal(seen[0], null);
  assert.equal(session.cachedVerdict().state, 'clean');
  ctx.value = { audience: 'dm', targets: [] };
  session.contextRead.at = -Infinity; // the page changed (after the re-read pause)
  assert.equal(session.cachedVerdict(), null, 'not the public verdict');
  session.noteInput(0);
  await until(() => seen.length === 2, 'the check for the DM');
  assert.deepEqual(seen[1], { audience: 'dm', targets: [] });
});

test('an empty box without a target is not checked', async () => {
  const el = textarea();
  const session = new ComposerSession({ el, adapter: replyAdapter({ value: { audience: 'public', targets: [] } }),
    kind: 'textarea', env, createView: fakeView });
  session.noteInput(0);
  await sleep(20);
  assert.deepEqual(scans, []);
  assert.equal(session.state, 'idle');
});
