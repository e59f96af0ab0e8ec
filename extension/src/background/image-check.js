// Attach-time image checks, seen from the service worker: the content script
// streams the file over a port (shared/image-protocol.js); the bytes go to the
// service (POST /api/v1/image) once it has proved itself, else to the offline
// image reader (EXIF GPS and barcodes, in the engine's Worker). The token
// never leaves this worker; nothing here logs or keeps the bytes.
import { IMAGE_PORT, MAX_IMAGE_BYTES, fromBase64 } from '../shared/image-protocol.js';

const platformName = (p) => (typeof p === 'string' && /^[a-z0-9][a-z0-9_-]{0,39}$/.test(p) ? p : 'other');

// The service's verdict, or the offline reader's, or "unchecked" with why.
export function createImageChecker({ settings, client, connection, offline }) {
  async function check(bytes, { platform, locale, type }) {
    const { settings: s } = await settings.load();
    const where = platformName(platform);
    const ask = (p) => client.image(s, bytes, { platform: p, locale, type });
    try {
      const result = await connection.call(s, async () => {
        try {
          return await ask(where);
        } catch (err) {
          // Platforms the admin policy does not list are checked as "other".
          if (err?.code !== 'unknown_platform' || where === 'other') throw err;
          return ask('other');
        }
      });
      return { ...result, source: 'service', failPolicy: s.failPolicy };
    } catch (err) {
      const reason = err?.kind ?? 'unreachable';
      const code = err?.code || undefined; // e.g. too_many_pixels: the service read it and refused
      const result = await offline.image(bytes, platform).catch(() => null);
      if (result) return { ...result, source: 'offline', reason, code, failPolicy: s.failPolicy };
      return { source: 'unchecked', reason, code, failPolicy: s.failPolicy };
    }
  }

  // One port per file. Everything arrives before anything is checked; a port
  // that breaks off (tab closed) just drops what it had.
  function onConnect(port, isOurContentScript) {
    if (port.name !== IMAGE_PORT) return false;
    if (!isOurContentScript(port.sender)) {
      port.disconnect();
      return true;
    }
    let meta = null;
    let chunks = [];
    let total = 0;
    const answer = (result) => {
      try {
        port.postMessage({ op: 'result', result });
      } catch {
        // the page went away
      }
    };
    port.onMessage.addListener(async (msg) => {
      if (msg?.op === 'begin') {
        meta = { platform: msg.platform, locale: typeof msg.locale === 'string' ? msg.locale : undefined, type: String(msg.type ?? '') };
        chunks = [];
        total = 0;
      } else if (msg?.op === 'chunk' && meta && typeof msg.data === 'string') {
        const bytes = fromBase64(msg.data);
        total += bytes.length;
        if (total > MAX_IMAGE_BYTES) {
          meta = null;
          chunks = [];
          answer({ source: 'unchecked', reason: 'too-large' });
          return;
        }
        chunks.push(bytes);
      } else if (msg?.op === 'end' && meta) {
        const bytes = new Uint8Array(total);
        let at = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, at);
          at += chunk.length;
        }
        chunks = [];
        const current = meta;
        meta = null;
        answer(await check(bytes, current).catch(() => ({ source: 'unchecked', reason: 'failed' })));
      }
    });
    return true;
  }

  return { check, onConnect };
}
