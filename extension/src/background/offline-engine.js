// The offline engine, seen from the background: it runs in a dedicated Worker
// (engine-host/), never in the page or in the service worker's own thread, so a
// runaway match freezes neither. Chromium: the Worker lives in an offscreen
// document (a service worker cannot start one). Firefox: the background page
// starts it itself. Either way the bundle goes over once per version, then texts.
import { IMAGE_WATCHDOG_MS, createEngineRunner, watchdogMs } from '../engine-host/engine-runner.js';
import { OFFSCREEN_PATH, OFFSCREEN_TARGET } from '../shared/offscreen-protocol.js';
import { toBase64 } from '../shared/image-protocol.js';
import { ext } from '../shared/ext.js';

const JUSTIFICATION = 'Runs the offline rule engine in a Worker, so a slow rule cannot freeze pages or the extension.';
// The host's own watchdog answers first; this only covers a host that died.
const HOST_SILENT_MS = 3000;

/** Firefox: the background page owns the Worker. */
export function createDirectHost({ createWorker }) {
  const runner = createEngineRunner({ createWorker });
  return {
    async scan(inputs, text, platform, context = null) {
      if (!runner.has(inputs.key)) runner.load(inputs);
      return runner.scan(text, platform, context);
    },
    async image(inputs, bytes, platform) {
      if (inputs && !runner.has(inputs.key)) runner.load(inputs);
      return runner.image(bytes, platform);
    },
  };
}

/** Chromium: the offscreen document owns the Worker; we keep it open and fed. */
export function createOffscreenHost({ store = ext } = {}) {
  let sent = null; // {key, done}: the bundle the document has, or is getting
  let opening = null;

  async function open() {
    if (await store.offscreenOpen(OFFSCREEN_PATH)) return;
    sent = null; // a new document knows no bundle
    opening ??= store
      .createOffscreen(OFFSCREEN_PATH, JUSTIFICATION)
      .catch(async (err) => {
        if (!(await store.offscreenOpen(OFFSCREEN_PATH))) throw err; // else: opened by a racing call
      })
      .finally(() => (opening = null));
    await opening;
  }

  const ask = (message) => store.sendMessage({ target: OFFSCREEN_TARGET, ...message });

  // One load per version, shared by scans that arrive together.
  function load(inputs, { again = false } = {}) {
    if (again || sent?.key !== inputs.key) {
      const done = ask({ op: 'load', inputs });
      sent = { key: inputs.key, done };
      done.catch(() => sent?.done === done && (sent = null));
    }
    return sent.done;
  }

  return {
    async scan(inputs, text, platform, context = null) {
      await open();
      await load(inputs);
      const scan = { op: 'scan', key: inputs.key, text, platform, context };
      let reply = await ask(scan);
      if (reply?.needBundle) {
        await load(inputs, { again: true });
        reply = await ask(scan);
      }
      return reply?.result ?? null;
    },
    // Messages are JSON: the bytes go over as base64 (at most 20 MiB, 27 MB).
    async image(inputs, bytes, platform) {
      await open();
      if (inputs) await load(inputs);
      const message = { op: 'image', key: inputs?.key ?? null, data: toBase64(bytes), platform };
      let reply = await ask(message);
      if (reply?.needBundle) {
        await load(inputs, { again: true });
        reply = await ask(message);
      }
      return reply?.result ?? null;
    },
  };
}

export function createOfflineEngine({ rules, host }) {
  return {
    /** The offline answer (decided by the bundle's policy), or null when there is none. */
    // `context`: who the draft goes to (for the context guards), or null.
    async scan(text, platform, context = null) {
      const inputs = await rules.offlineInputs();
      if (!inputs) return null;
      let timer;
      const silent = new Promise((resolve) => {
        timer = setTimeout(resolve, watchdogMs(inputs.bundle) + HOST_SILENT_MS, null);
      });
      try {
        return await Promise.race([host.scan(inputs, text, platform, context).catch(() => null), silent]);
      } finally {
        clearTimeout(timer);
      }
    },
    /** An attached image read offline (position, barcodes), or null. */
    async image(bytes, platform) {
      const inputs = await rules.offlineInputs().catch(() => null);
      let timer;
      const silent = new Promise((resolve) => {
        timer = setTimeout(resolve, IMAGE_WATCHDOG_MS + HOST_SILENT_MS, null);
      });
      try {
        return await Promise.race([host.image(inputs, bytes, platform).catch(() => null), silent]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
