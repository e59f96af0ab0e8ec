// The last rules bundle for the offline engine: the one fetched from the service
// (kept with its ETag in storage.local), else the copy packaged with the extension.
import { ext } from '../shared/ext.js';

const KEY = 'rulesBundle';
export const PACKAGED_PATH = 'rules/ruleset.json';

export function isBundle(value) {
  return Boolean(
    value &&
      typeof value === 'object' &&
      ['string', 'number'].includes(typeof value.version) &&
      Array.isArray(value.rules),
  );
}

export function createRulesStore({ store = ext, client, fetchImpl = (...a) => globalThis.fetch(...a) }) {
  let memo = null;

  async function packaged() {
    try {
      const response = await fetchImpl(store.getURL(PACKAGED_PATH));
      if (!response.ok) return null;
      const bundle = await response.json();
      return isBundle(bundle) ? { bundle, etag: null, source: 'packaged' } : null;
    } catch {
      return null;
    }
  }

  return {
    async current() {
      if (memo) return memo;
      const stored = (await store.getLocal(KEY))?.[KEY];
      memo = isBundle(stored?.bundle) ? stored : await packaged();
      return memo;
    },
    // Conditional GET; a malformed answer keeps the previous bundle.
    async sync(settings) {
      const current = await this.current();
      const etag = current?.source === 'service' ? current.etag : undefined;
      const response = await client.fetchBundle(settings, etag);
      if (response.status === 304) return { updated: false };
      if (!isBundle(response.json)) return { updated: false, rejected: true };
      memo = { bundle: response.json, etag: response.etag, source: 'service' };
      await store.setLocal({ [KEY]: memo });
      return { updated: true };
    },
  };
}
