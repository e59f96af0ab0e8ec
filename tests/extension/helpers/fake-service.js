// A stand-in for the PostGuard service behind `fetch`, written from the protocol
// text (docs/service.md, "Signed requests") with node:crypto, independently of
// the extension's WebCrypto code: it checks each request's signature and signs
// its answers, unless told to behave like an impostor.
import { createHmac, createHash } from 'node:crypto';

export const hmacHex = (key, message) => createHmac('sha256', key).update(message, 'utf8').digest('hex');
export const sha256Hex = (bytes) => createHash('sha256').update(bytes).digest('hex');

export function expectedSignature({ token, nonce, method, host, path, body }) {
  const message = ['postguard-request-v1', nonce, method, host, path, sha256Hex(body)].join('\n');
  return `v1=${hmacHex(token, message)}`;
}

export function proofFor({ token, nonce, status, body }) {
  return `v1=${hmacHex(token, ['postguard-response-v1', nonce, String(status), sha256Hex(body)].join('\n'))}`;
}

/**
 * routes: {"GET /api/v1/health": (request) => ({status, json, headers, proof})}
 * where proof is 'valid' (default) | 'missing' | 'wrong' | 'other-token'.
 * `requests` records what was sent: method, path, headers, the body bytes and
 * whether the signature verified.
 */
export function createFakeService({ token, routes = {} }) {
  const requests = [];
  async function fetchImpl(href, init = {}) {
    const url = new URL(href);
    const path = url.pathname + url.search;
    const method = init.method ?? 'GET';
    const body = init.body === undefined ? Buffer.alloc(0) : Buffer.from(init.body);
    const headers = { ...init.headers };
    const nonce = headers['X-PostGuard-Nonce'] ?? '';
    const signed = headers['X-PostGuard-Signature'] === expectedSignature({ token, nonce, method, host: url.host, path, body });
    const request = { method, path, headers, body, signed, text: body.toString('utf8') };
    requests.push(request);
    const route = routes[`${method} ${url.pathname}`];
    if (!signed) return new Response(JSON.stringify({ error: { code: 'bad_signature' } }), { status: 401 });
    const answer = route ? await route(request) : { status: 404, json: { error: { code: 'not_found' } } };
    if (answer.networkError) throw new TypeError('Failed to fetch');
    const status = answer.status ?? 200;
    const bytes = answer.raw ?? (answer.json === undefined || status === 304 ? '' : JSON.stringify(answer.json));
    const out = { ...(answer.headers ?? {}) };
    const proofMode = answer.proof ?? 'valid';
    if (proofMode === 'valid') out['X-PostGuard-Proof'] = proofFor({ token, nonce, status, body: bytes });
    if (proofMode === 'wrong') out['X-PostGuard-Proof'] = proofFor({ token, nonce, status, body: `${bytes} ` });
    if (proofMode === 'other-token') out['X-PostGuard-Proof'] = proofFor({ token: `${token}x`, nonce, status, body: bytes });
    return new Response(status === 304 ? null : bytes, { status, headers: out });
  }
  return { fetchImpl, requests };
}
