// Owns the offline engine's Worker (engine-worker.js): gives it the bundle once
// per version, then texts, one at a time. A JS RegExp cannot be interrupted, so a
// runaway match is stopped from outside: past a hard timeout the Worker is
// terminated and replaced, and the scan answers "not complete (timeout)".
// Runs in the offscreen document on Chromium and in the background page on
// Firefox; `createWorker` hides which.
import { compilePolicy } from '../engine/policy.js';
import { timedOut } from './offline-result.js';

export const TIMEOUT_MARGIN_MS = 1000;
// Reading a 12-megapixel photo's barcodes takes about half a second here.
export const IMAGE_WATCHDOG_MS = 8000;
const DEFAULT_BUDGET_MS = 200;

/** Twice the bundle's scan budget plus a margin for compiling and messaging. */
export function watchdogMs(bundle) {
  const budget = Number(bundle?.defaults?.budget_ms);
  return 2 * (budget > 0 ? budget : DEFAULT_BUDGET_MS) + TIMEOUT_MARGIN_MS;
}

export function createEngineRunner({ createWorker, setTimer = setTimeout, clearTimer = clearTimeout }) {
  let worker = null;
  let inputs = null; // {key, bundle, policy} the worker holds
  let policy = null; // compiled, for the watchdog's own answer
  let notRun = []; // from the last finished scan of this bundle
  let queue = Promise.resolve();
  let nextId = 1;
  const waiting = new Map(); // id -> settle(answer)

  function settleAll(answer) {
    for (const settle of waiting.values()) settle(answer);
    waiting.clear();
  }

  function start() {
    worker = createWorker();
    worker.onmessage = ({ data }) => {
      const settle = waiting.get(data?.id);
      waiting.delete(data?.id);
      settle?.(data);
    };
    worker.onerror = () => settleAll({ error: 'the engine worker failed' });
    if (inputs) worker.postMessage({ op: 'load', bundle: inputs.bundle, policy: inputs.policy, termKeys: inputs.termKeys });
  }

  function restart() {
    worker?.terminate();
    worker = null;
    start();
  }

  function ask(message, ms, transfer = []) {
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimer(() => {
        waiting.delete(id);
        restart();
        resolve({ timedOut: true });
      }, ms);
      waiting.set(id, (answer) => {
        clearTimer(timer);
        resolve(answer);
      });
      worker.postMessage({ ...message, id }, transfer);
    });
  }

  async function scanNow(text, platform, context) {
    if (!inputs) return null;
    if (!worker) start();
    const answer = await ask({ op: 'scan', text, platform, context }, watchdogMs(inputs.bundle));
    if (answer.timedOut) return timedOut(policy, { version: inputs.bundle.version, notRun }, platform);
    if (!answer.result) return null;
    notRun = answer.result.not_run ?? [];
    return answer.result;
  }

  // An attached image: the engine's Worker reads it (with the bundle, when
  // one is loaded, for the payloads and the policy). null: no answer.
  async function imageNow(bytes, platform) {
    if (!worker) start();
    const copy = new Uint8Array(bytes).slice();
    const answer = await ask({ op: 'image', bytes: copy.buffer, platform }, IMAGE_WATCHDOG_MS, [copy.buffer]);
    return answer.result ?? null;
  }

  return {
    has: (key) => inputs?.key === key,
    image(bytes, platform) {
      const run = queue.then(() => imageNow(bytes, platform));
      queue = run.catch(() => {});
      return run;
    },
    load(next) {
      inputs = next;
      policy = next.policy ? compilePolicy(next.policy, next.bundle?.rules) : null;
      notRun = [];
      if (worker) worker.postMessage({ op: 'load', bundle: next.bundle, policy: next.policy, termKeys: next.termKeys });
    },
    /** The decided result, or null when the engine cannot answer (no bundle, a broken one). */
    scan(text, platform, context = null) {
      const run = queue.then(() => scanNow(text, platform, context));
      queue = run.catch(() => {});
      return run;
    },
    stop() {
      worker?.terminate();
      worker = null;
      settleAll({ error: 'stopped' });
    },
  };
}
