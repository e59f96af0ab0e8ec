// HTTP client for the local PostGuard service. Runs only in the background: its
// fetch carries the extension origin the service pins (a content-script fetch
// would carry the page's origin and hit CORS / Local Network Access).
//
// Every request is signed (signing.js) and every answer's proof is checked before
// its body is read: an answer without a valid proof comes from a server that does
// not hold the token, and is treated as no answer at all.
import { newNonce, proofMatches, signRequest } from './signing.js';
import { MAX_ENVELOPE_BYTES } from '../shared/bundle-verify.js';

export class ServiceError extends Error {
  constructor(kind, status = 0, code = '', { verified = false, retryAfterS = 0 } = {}) {
    super(`service ${kind}${status ? ` (${status})` : ''}`);
    // unreachable | timeout | unverified | unpaired | busy | rejected | bad-response | too-large
    this.kind = kind;
    this.status = status;
    this.code = code; // the service's error code, e.g. unknown_platform
    this.verified = verified; // the answer carried a valid proof: it is our service
    this.retryAfterS = retryAfterS;
  }
}

const PROOF_HEADER = 'X-PostGuard-Proof';
// OCR of a 12-megapixel photo takes seconds, not the draft's one.
export const IMAGE_TIMEOUT_MS = 15_000;
// The service reports it to central (fleet status); the same shape central accepts.
const VERSION_HEADER = 'X-PostGuard-Extension-Version';
const VERSION_SHAPE = /^[0-9]{1,5}(\.[0-9]{1,5}){0,3}$/;

// The body, refused past `limit` bytes while it streams in (not after).
async function readCapped(response, limit, controller) {
  if (!Number.isFinite(limit)) return new Uint8Array(await response.arrayBuffer());
  if (Number(response.headers.get('Content-Length') ?? 0) > limit) throw tooLarge(controller);
  const chunks = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) throw tooLarge(controller);
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) bytes.set(chunk, (at += chunk.length) - chunk.length);
  return bytes;
}

function tooLarge(controller) {
  controller.abort();
  return new ServiceError('too-large');
}

function parseJson(bytes) {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

/**
 * `extensionVersion`: the manifest's version, sent with every request when it
 * has the shape the service records (anything else is left out).
 */
export function createServiceClient({ fetchImpl = (...a) => globalThis.fetch(...a), extensionVersion } = {}) {
  const versionHeader = VERSION_SHAPE.test(extensionVersion ?? '') ? { [VERSION_HEADER]: extensionVersion } : {};

  async function send(settings, method, path, body, extraHeaders, controller, maxBytes, contentType) {
    const url = new URL(path, settings.serviceUrl);
    const nonce = newNonce();
    const signature = await signRequest({ token: settings.token, nonce, method, host: url.host, path, body });
    const headers = {
      Accept: 'application/json',
      'X-PostGuard-Nonce': nonce,
      'X-PostGuard-Signature': signature,
      ...versionHeader,
      ...extraHeaders,
    };
    if (body.length) headers['Content-Type'] = contentType;
    const response = await fetchImpl(url.href, {
      method,
      headers,
      body: method === 'GET' ? undefined : body,
      signal: controller.signal,
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error', // a redirect could only lead away from the proven service
    });
    return { response, nonce, bytes: await readCapped(response, maxBytes, controller) };
  }

  // `upload` + `contentType`: a raw body (an image) instead of JSON; `timeoutMs`
  // overrides the settings' (an image with OCR takes longer than a draft).
  async function request(settings, method, path, { json, upload, contentType = 'application/json', etag, raw = false, maxBytes = Infinity, timeoutMs } = {}) {
    if (!settings.serviceUrl || !settings.token) throw new ServiceError('unpaired');
    const body = upload ?? (json === undefined ? new Uint8Array() : new TextEncoder().encode(JSON.stringify(json)));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs ?? settings.serviceTimeoutMs);
    let answer;
    try {
      answer = await send(settings, method, path, body, etag ? { 'If-None-Match': etag } : {}, controller, maxBytes, contentType);
    } catch (err) {
      if (err instanceof ServiceError) throw err;
      throw new ServiceError(controller.signal.aborted ? 'timeout' : 'unreachable');
    } finally {
      clearTimeout(timer);
    }
    const { response, nonce, bytes } = answer;
    const { status } = response;
    // The service never proves a 401 (a wrong signature), and 403 is the Origin
    // check before any signature: both mean "not paired" either way.
    if (status === 401 || status === 403) throw new ServiceError('unpaired', status);
    const header = response.headers.get(PROOF_HEADER);
    if (!(await proofMatches({ token: settings.token, nonce, status, body: bytes, header }))) {
      throw new ServiceError('unverified', status);
    }
    if (status >= 500) throw new ServiceError('unreachable', status, '', { verified: true });
    if (status === 304) return { status, etag, json: null };
    if (status === 429) {
      const retryAfterS = Number.parseInt(response.headers.get('Retry-After') ?? '', 10) || 1;
      throw new ServiceError('busy', status, 'rate_limited', { verified: true, retryAfterS });
    }
    // The signed envelope is checked byte for byte: its verifier caps and parses it.
    if (raw && status >= 200 && status < 300) return { status, etag: response.headers.get('ETag'), bytes };
    let parsed;
    try {
      parsed = parseJson(bytes);
    } catch {
      throw new ServiceError('bad-response', status, '', { verified: true });
    }
    if (status < 200 || status >= 300) {
      throw new ServiceError('rejected', status, String(parsed?.error?.code ?? ''), { verified: true });
    }
    return { status, etag: response.headers.get('ETag'), json: parsed };
  }

  return {
    async scan(settings, payload) {
      const { json } = await request(settings, 'POST', '/api/v1/scan', { json: payload });
      if (!json || !Array.isArray(json.findings) || typeof json.verdict !== 'string') {
        throw new ServiceError('bad-response', 200, '', { verified: true });
      }
      return json;
    },
    // An attached image, as its raw bytes (POST /api/v1/image); the answer
    // has the scan's shape plus location, checks and format.
    async image(settings, bytes, { platform, field = 'attachment', locale, type } = {}) {
      const query = new URLSearchParams({ platform, field, ...(locale ? { locale } : {}) });
      const contentType = /^image\/[\w.+-]+$/.test(type ?? '') ? type : 'application/octet-stream';
      const { json } = await request(settings, 'POST', `/api/v1/image?${query}`, { upload: bytes, contentType, timeoutMs: IMAGE_TIMEOUT_MS });
      if (!json || !Array.isArray(json.findings) || typeof json.verdict !== 'string' || typeof json.checks !== 'object') {
        throw new ServiceError('bad-response', 200, '', { verified: true });
      }
      return json;
    },
    // The handshake: a signed GET with no text in it.
    async health(settings) {
      const { json } = await request(settings, 'GET', '/api/v1/health');
      if (json?.status !== 'ok') throw new ServiceError('bad-response', 200, '', { verified: true });
      return json;
    },
    async sendEvent(settings, event) {
      return (await request(settings, 'POST', '/api/v1/events', { json: event })).json;
    },
    async fetchBundle(settings, etag) {
      return request(settings, 'GET', '/api/v1/rules/bundle', { etag });
    },
    // The key of the bundle's hashed confidential terms ({key_id, key}); 404: none held.
    async fetchTermKey(settings) {
      return (await request(settings, 'GET', '/api/v1/rules/terms-key')).json;
    },
    async fetchSignedBundle(settings, etag) {
      return request(settings, 'GET', '/api/v1/rules/signed', { etag, raw: true, maxBytes: MAX_ENVELOPE_BYTES });
    },
  };
}
