// Verifies a signed rule bundle (docs/admin.md, "The signed-bundle format") with
// WebCrypto Ed25519: the same checks, in the same order and with the same reason
// codes as backend/postguard/bundle_signing.py, so the service and the extension
// refuse exactly the same envelopes (tests/conformance/signed_bundle_vectors.json).
// Pure: no chrome.*; runs in the service worker and in node.

export const FORMAT = 'postguard-signed-bundle-v1';
export const PAYLOAD_FORMAT = 'postguard-ruleset-json';
export const MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;
export const MAX_HEADER_BYTES = 4096;
export const MAX_ENVELOPE_BYTES = Math.floor((MAX_PAYLOAD_BYTES * 4) / 3) + 16 * 1024;
export const MAX_VERSION = 2 ** 53 - 1;
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAX_PAYLOAD_B64 = Math.floor((MAX_PAYLOAD_BYTES * 4) / 3) + 4;
const HEADER_FIELDS = ['created', 'expires', 'format', 'key_id', 'payload_format', 'payload_length', 'payload_sha256', 'version'];
const ENVELOPE_FIELDS = ['format', 'header', 'payload', 'signature'];
// DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key is the 32 bytes after it.
const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
const TIME_RE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$/;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export class BundleRejected extends Error {
  constructor(reason, message) {
    super(message);
    this.reason = reason;
  }
}

const reject = (reason, message) => {
  throw new BundleRejected(reason, message);
};

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

async function sha256Hex(bytes) {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

function fromB64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toB64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

// Canonical base64 only, as Python's check: no two envelopes with different bytes
// carry the same signature and payload.
function b64(text, what) {
  if (typeof text !== 'string') reject('malformed', `${what} is not a string`);
  if (!B64_RE.test(text) || text.length % 4 !== 0) reject('malformed', `${what} is not base64`);
  const bytes = fromB64(text);
  if (toB64(bytes) !== text) reject('malformed', `${what} is not canonical base64`);
  return bytes;
}

const sameFields = (object, fields) =>
  object !== null && typeof object === 'object' && !Array.isArray(object) &&
  Object.keys(object).sort().join() === fields.join();

// --- keys -------------------------------------------------------------------

/** The raw 32-byte key from SPKI PEM text or base64 of the raw key; null if neither. */
export function rawPublicKey(spec) {
  if (typeof spec !== 'string') return null;
  const pem = spec.match(/-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/);
  let bytes;
  try {
    bytes = fromB64((pem ? pem[1] : spec).replace(/\s+/g, ''));
  } catch {
    return null;
  }
  if (!pem) return bytes.length === 32 ? bytes : null;
  const ok = bytes.length === 44 && SPKI_PREFIX.every((b, i) => bytes[i] === b);
  return ok ? bytes.subarray(12) : null;
}

/** [{keyId, key}] for WebCrypto; throws on a spec that is not an Ed25519 key. */
export async function importBundleKeys(specs) {
  return Promise.all(
    specs.map(async (spec) => {
      const raw = rawPublicKey(spec);
      if (!raw) throw new Error('not an Ed25519 public key');
      const key = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
      return { keyId: (await sha256Hex(raw)).slice(0, 16), key };
    }),
  );
}

// --- verifying --------------------------------------------------------------

function split(bytes) {
  if (bytes.length > MAX_ENVELOPE_BYTES) reject('too_large', `over ${MAX_ENVELOPE_BYTES} bytes`);
  let outer;
  try {
    outer = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    reject('malformed', 'not a JSON envelope');
  }
  if (!sameFields(outer, ENVELOPE_FIELDS)) reject('malformed', 'not a signed-bundle envelope');
  if (outer.format !== FORMAT) reject('malformed', `format is not ${FORMAT}`);
  const { header } = outer;
  if (typeof header !== 'string' || /[\u0080-\uffff]/.test(header)) reject('malformed', 'header is not an ASCII string');
  if (header.length > MAX_HEADER_BYTES) reject('too_large', `header over ${MAX_HEADER_BYTES} bytes`);
  if (typeof outer.payload === 'string' && outer.payload.length > MAX_PAYLOAD_B64) {
    reject('too_large', `payload over ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const signature = b64(outer.signature, 'signature');
  if (signature.length !== 64) reject('malformed', 'signature is not 64 bytes');
  return { headerText: header, signature, payload: b64(outer.payload, 'payload') };
}

function parseTime(text) {
  const m = typeof text === 'string' && text.match(TIME_RE);
  if (!m) throw new Error('time');
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March; Python's strptime refuses it.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 61) {
    throw new Error('time');
  }
  return ms;
}

function parseHeader(text) {
  try {
    const data = JSON.parse(text);
    if (!sameFields(data, HEADER_FIELDS)) throw new Error('fields');
    if (data.format !== FORMAT || data.payload_format !== PAYLOAD_FORMAT) throw new Error('format');
    for (const name of ['version', 'payload_length']) {
      const v = data[name];
      if (!Number.isSafeInteger(v) || v < 0 || v > MAX_VERSION) throw new Error(name);
    }
    if (typeof data.payload_sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(data.payload_sha256)) throw new Error('sha');
    return {
      version: data.version,
      created: parseTime(data.created),
      expires: parseTime(data.expires),
      payloadSha256: data.payload_sha256,
      payloadLength: data.payload_length,
      keyId: String(data.key_id),
    };
  } catch {
    return reject('malformed', 'the header is not a valid header');
  }
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The verified payload bytes and header, or a BundleRejected with `reason`.
 * Sizes first, then the signature (with every pinned key, before the header is
 * trusted), then hash, times and version. The payload is never parsed here.
 * `keys`: from importBundleKeys; `now`: ms; `minVersion`: the highest accepted.
 */
export async function verifySignedBundle(bytes, keys, { now, minVersion = 0 }) {
  const { headerText, signature, payload } = split(bytes);
  const digest = await sha256Hex(payload);
  const message = new TextEncoder().encode(`${FORMAT}\n${headerText}\n${digest}`);
  let signer = null;
  for (const pinned of keys) {
    if (await crypto.subtle.verify({ name: 'Ed25519' }, pinned.key, signature, message)) {
      signer = pinned;
      break;
    }
  }
  const header = parseHeader(headerText);
  if (!signer) {
    if (!keys.some((k) => k.keyId === header.keyId)) reject('unknown_key', 'signed by a key that is not pinned');
    reject('bad_signature', 'the signature does not verify');
  }
  if (header.keyId !== signer.keyId) reject('malformed', 'key_id does not name the signing key');
  if (header.payloadSha256 !== digest || header.payloadLength !== payload.length) {
    reject('payload_mismatch', 'payload hash or length differ');
  }
  if (now + CLOCK_SKEW_MS < header.created) reject('not_yet_valid', `valid from ${iso(header.created)}`);
  if (now >= header.expires) reject('expired', `expired at ${iso(header.expires)}`);
  if (header.version <= minVersion) reject('rollback', `version ${header.version} is not newer than ${minVersion}`);
  return { header, payload, envelopeSha256: await sha256Hex(bytes) };
}
