// Signed requests and response proofs (docs/service.md, "Signed requests"). The
// token never leaves the extension: each request carries an HMAC over a fresh
// nonce, and an answer counts only if it carries an HMAC over that nonce and its
// exact body, which only the holder of the token can compute. WebCrypto only.
const REQUEST_CONTEXT = 'postguard-request-v1';
const RESPONSE_CONTEXT = 'postguard-response-v1';
const NONCE_BYTES = 32;
const MAC_RE = /^v1=([0-9a-f]{64})$/;

const subtle = () => globalThis.crypto.subtle;
const utf8 = (text) => new TextEncoder().encode(text);

export function toHex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** 32 random bytes as base64url without padding (43 characters). */
export function newNonce() {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const base64 = btoa(String.fromCharCode(...bytes));
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function sha256Hex(bytes) {
  return toHex(await subtle().digest('SHA-256', bytes));
}

// One imported key per token: importKey is not free and every request needs it.
const keys = new Map();
function keyFor(token) {
  if (!keys.has(token)) {
    keys.clear();
    const algorithm = { name: 'HMAC', hash: 'SHA-256' };
    keys.set(token, subtle().importKey('raw', utf8(token), algorithm, false, ['sign', 'verify']));
  }
  return keys.get(token);
}

/**
 * X-PostGuard-Signature for one request. `host` is the Host header as sent
 * (URL.host), `path` the path plus "?query" when there is one, `body` the exact
 * bytes sent (empty for GET).
 */
export async function signRequest({ token, nonce, method, host, path, body = new Uint8Array() }) {
  const message = [REQUEST_CONTEXT, nonce, method.toUpperCase(), host.toLowerCase(), path, await sha256Hex(body)].join('\n');
  return `v1=${toHex(await subtle().sign('HMAC', await keyFor(token), utf8(message)))}`;
}

/** Does `header` (X-PostGuard-Proof) prove that the token holder sent this answer? */
export async function proofMatches({ token, nonce, status, body, header }) {
  const mac = MAC_RE.exec(header ?? '');
  if (!mac) return false;
  const message = [RESPONSE_CONTEXT, nonce, String(status), await sha256Hex(body)].join('\n');
  // verify() compares in constant time.
  return subtle().verify('HMAC', await keyFor(token), fromHex(mac[1]), utf8(message));
}
