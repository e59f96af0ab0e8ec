// Image checks between a content script and the service worker. Runtime
// messages are JSON only (Chromium), so the file's bytes go over a port as
// base64 chunks: {op:'begin', size, type, platform, locale}, {op:'chunk',
// data}..., {op:'end'}; the worker answers {op:'result', result} once.
export const IMAGE_PORT = 'postguard-image';
// The service's limit too (POST /api/v1/image answers 413 above it).
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
// A multiple of 3, so each chunk is base64 on its own (no padding inside).
export const CHUNK_BYTES = 3 * 1024 * 1024;

/**
 * Bytes <-> base64: the native Uint8Array methods (Chromium 140+, Firefox
 * 133+) when there, else in pieces small enough for String.fromCharCode.
 */
export function toBase64(bytes) {
  if (typeof bytes.toBase64 === 'function') return bytes.toBase64();
  let text = '';
  for (let at = 0; at < bytes.length; at += 0x8000) text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(text);
}

export function fromBase64(text) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}
