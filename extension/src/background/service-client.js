// HTTP client for the local PostGuard service. Runs only in the service worker:
// its fetch carries the extension origin the service pins (a content-script fetch
// would carry the page's origin and hit CORS / Local Network Access).

export class ServiceError extends Error {
  constructor(kind, status = 0, code = '') {
    super(`service ${kind}${status ? ` (${status})` : ''}`);
    this.kind = kind; // unreachable | timeout | unpaired | rejected | bad-response
    this.status = status;
    this.code = code; // the service's error code, e.g. unknown_platform
  }
}

export function createServiceClient({ fetchImpl = (...a) => globalThis.fetch(...a) } = {}) {
  async function request(settings, method, path, { body, etag } = {}) {
    if (!settings.serviceUrl) throw new ServiceError('unpaired');
    if (!settings.token) throw new ServiceError('unpaired');
    const headers = { 'X-PostGuard-Token': settings.token, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (etag) headers['If-None-Match'] = etag;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), settings.serviceTimeoutMs);
    let response;
    try {
      response = await fetchImpl(`${settings.serviceUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      throw new ServiceError(controller.signal.aborted ? 'timeout' : 'unreachable');
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 401 || response.status === 403) {
      throw new ServiceError('unpaired', response.status);
    }
    if (response.status === 304) return { status: 304, etag, json: null };
    if (!response.ok) {
      const code = await response.json().then((j) => String(j?.error?.code ?? ''), () => '');
      throw new ServiceError('rejected', response.status, code);
    }
    let json;
    try {
      json = await response.json();
    } catch {
      throw new ServiceError('bad-response', response.status);
    }
    return { status: response.status, etag: response.headers.get('ETag'), json };
  }

  return {
    async scan(settings, payload) {
      const { json } = await request(settings, 'POST', '/api/v1/scan', { body: payload });
      if (!json || !Array.isArray(json.findings) || typeof json.verdict !== 'string') {
        throw new ServiceError('bad-response');
      }
      return json;
    },
    async health(settings) {
      return (await request(settings, 'GET', '/api/v1/health')).json;
    },
    async sendEvent(settings, event) {
      return (await request(settings, 'POST', '/api/v1/events', { body: event })).json;
    },
    async fetchBundle(settings, etag) {
      return request(settings, 'GET', '/api/v1/rules/bundle', { etag });
    },
  };
}
