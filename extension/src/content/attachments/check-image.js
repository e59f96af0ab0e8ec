// Sends one image to the service worker over a port (shared/image-protocol.js)
// and waits for its answer. Never fetches anything itself: the service worker
// holds the token and owns every call to the service.
import { CHUNK_BYTES, IMAGE_PORT, MAX_IMAGE_BYTES, toBase64 } from '../../shared/image-protocol.js';
import { ext } from '../../shared/ext.js';

// The worker answers within its own deadlines (service 15 s, offline 11 s);
// this only covers a worker that went away.
const SILENT_MS = 30_000;

/** Resolves to the check's result ({source: service | offline | unchecked, ...}). */
export function createImageCheck({ connect = (name) => ext.connect(name), locale = navigator.language } = {}) {
  return async function checkImage(file, platform) {
    if (file.size > MAX_IMAGE_BYTES) return { source: 'unchecked', reason: 'too-large' };
    let port;
    try {
      port = connect(IMAGE_PORT);
    } catch {
      return { source: 'unchecked', reason: 'extension-reloaded' };
    }
    const answer = new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ source: 'unchecked', reason: 'timeout' }), SILENT_MS);
      port.onMessage.addListener((msg) => {
        if (msg?.op !== 'result') return;
        clearTimeout(timer);
        resolve(msg.result ?? { source: 'unchecked', reason: 'no-answer' });
      });
      port.onDisconnect.addListener(() => {
        clearTimeout(timer);
        resolve({ source: 'unchecked', reason: 'no-answer' });
      });
    });
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      port.postMessage({ op: 'begin', size: bytes.length, type: file.type, platform, locale });
      for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
        port.postMessage({ op: 'chunk', data: toBase64(bytes.subarray(at, at + CHUNK_BYTES)) });
      }
      port.postMessage({ op: 'end' });
    } catch {
      return { source: 'unchecked', reason: 'failed' };
    }
    const result = await answer;
    try {
      port.disconnect();
    } catch {
      // already gone
    }
    return result;
  };
}
