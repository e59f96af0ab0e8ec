// The last rules bundle for the offline engine: the one fetched from the service
// (kept with its ETag in storage.local), else the copy packaged with the extension.
// Its `policy` is the service's effective policy; a bundle without one (from an
// older service) borrows the packaged bundle's.
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
  let packagedMemo = null;

  async function loadPackaged() {
    try {
      const response = await fetchImpl(store.getURL(PACKAGED_PATH));
      if (!response.ok) return null;
      const bundle = await response.json();
      return isBundle(bundle) ? { bundle, etag: null, source: 'packaged' } : null;
    } catch {
      return null;
    }
  }

  async function packaged() {
    packagedMemo ??= await loadPackaged();
    return packagedMemo;
  }

  return {
    async current() {
      if (memo) return memo;
      const stored = (await store.getLocal(KEY))?.[KEY];
      memo = isBundle(stored?.bundle) ? stored : await packaged();
      return memo;
    },
    /** What the offline engine needs; `key` changes whenever bundle or policy may have. */
    async offlineInputs() {
      const current = await this.current();
      if (!current) return null;
      const policy = current.bundle.policy ?? (await packaged())?.bundle.policy ?? null;
      const key = `${current.source}:${current.etag ?? current.bundle.version}`;
      return { key, bundle: current.bundle, policy };
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
