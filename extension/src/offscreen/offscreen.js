// The offscreen document (Chromium): it exists only to own the offline engine's
// Worker, which an MV3 service worker cannot create. It answers the service
// worker and nobody else: content scripts can message every extension context.
import { ENGINE_WORKER_PATH, OFFSCREEN_TARGET } from '../shared/offscreen-protocol.js';
import { createEngineRunner } from '../engine-host/engine-runner.js';
import { ext } from '../shared/ext.js';
import { fromBase64 } from '../shared/image-protocol.js';

const runner = createEngineRunner({
  createWorker: () => new Worker(ext.getURL(ENGINE_WORKER_PATH), { type: 'module' }),
});

// Content scripts always come with a tab; our service worker never does.
const fromServiceWorker = (sender) =>
  sender?.id === ext.id() && !sender.tab && String(sender.url ?? ext.getURL('')).startsWith(ext.getURL(''));

ext.onMessageFor(OFFSCREEN_TARGET, async (msg, sender) => {
  if (!fromServiceWorker(sender)) return { error: 'not allowed from this sender' };
  if (msg.op === 'load') {
    runner.load(msg.inputs);
    return { ok: true };
  }
  if (msg.op === 'scan') {
    // A recreated document has lost the bundle: the service worker sends it again.
    if (!runner.has(msg.key)) return { needBundle: true };
    return { result: await runner.scan(msg.text, msg.platform, msg.context ?? null) };
  }
  if (msg.op === 'image') {
    // With a bundle when the service worker just sent it; else the engine is not run on the payloads.
    if (msg.key && !runner.has(msg.key)) return { needBundle: true };
    return { result: await runner.image(fromBase64(msg.data), msg.platform) };
  }
  return { error: 'unknown op' };
});
