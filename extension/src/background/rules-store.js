// The last rules bundle for the offline engine: the one fetched from the service
// (kept with its ETag in storage.local), else the copy packaged with the extension.
// Its `policy` is the service's effective policy; a bundle without one (from an
// older service) borrows the packaged bundle's.
//
// With bundle keys pinned by managed policy, only a bundle whose signature this
// worker verified counts (signed-rules.js), and only while its key stays pinned;
// the highest version accepted is kept apart, so a cleared bundle cannot reopen
// the door to an older one.
import { fetchVerifiedBundle } from './signed-rules.js';
import { importBundleKeys } from '../shared/bundle-verify.js';
import { isBundleShape } from './bundle-shape.js';
import { ext } from '../shared/ext.js';

const KEY = 'rulesBundle';
const VERSION_KEY = 'signedBundleVersion';
const REJECTION_KEY = 'signedBundleRejection';
// The hashed terms' key: in session storage (memory), never on disk with the bundle.
const TERM_KEY = 'termKey';
export const PACKAGED_PATH = 'rules/ruleset.json';
export const isBundle = isBundleShape;

export function createRulesStore({
  store = ext,
  client,
  fetchImpl = (...a) => globalThis.fetch(...a),
  pinnedKeys = async () => [],
  now = () => Date.now(),
}) {
  let memo = null;
  let packagedMemo = null;
  let keyIds = { specs: null, ids: [] };

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

  async function pinnedIds() {
    const specs = (await pinnedKeys()) ?? [];
    const joined = specs.join('\n');
    if (keyIds.specs !== joined) {
      const ids = await importBundleKeys(specs).then((keys) => keys.map((k) => k.keyId), () => []);
      keyIds = { specs: joined, ids };
    }
    return keyIds.ids;
  }

  async function trusted(candidate) {
    const ids = await pinnedIds();
    if (!ids.length || !candidate) return true;
    return candidate.source === 'signed' && ids.includes(candidate.keyId);
  }

  async function syncSigned(settings) {
    const current = await this.current();
    const etag = current?.source === 'signed' ? current.etag : undefined;
    const minVersion = (await store.getLocal(VERSION_KEY))?.[VERSION_KEY] ?? 0;
    const result = await fetchVerifiedBundle({ client, settings, etag, minVersion, now: now() });
    if (result.status === 'unchanged') return { updated: false };
    if (result.status === 'rejected') {
      const rejection = { reason: result.reason, at: new Date(now()).toISOString() };
      await store.setLocal({ [REJECTION_KEY]: rejection });
      return { updated: false, rejected: result.reason };
    }
    const { bundle, version, keyId } = result;
    memo = { bundle, etag: result.etag, source: 'signed', version, keyId };
    await store.setLocal({ [KEY]: memo, [VERSION_KEY]: version });
    return { updated: true, version };
  }

  /** Fetch the key the bundle's hashed terms name, when we do not hold it. */
  async function syncTermKey(settings, bundle) {
    const wanted = bundle?.hashed_terms?.key_id;
    const held = (await store.getSession?.(TERM_KEY))?.[TERM_KEY];
    if (!wanted || held?.key_id === wanted) return;
    try {
      const answer = await client.fetchTermKey?.(settings);
      if (answer?.key_id === wanted && typeof answer.key === 'string') {
        await store.setSession?.({ [TERM_KEY]: { key_id: answer.key_id, key: answer.key } });
      }
    } catch {
      // The service holds no key yet: the offline engine says so (not_run: no_key).
    }
  }

  async function termKeys(bundle) {
    const held = (await store.getSession?.(TERM_KEY))?.[TERM_KEY];
    const wanted = bundle?.hashed_terms?.key_id;
    return wanted && held?.key_id === wanted ? { [held.key_id]: held.key } : null;
  }

  return {
    async current() {
      if (!memo) {
        const stored = (await store.getLocal(KEY))?.[KEY];
        memo = isBundle(stored?.bundle) ? stored : await packaged();
      }
      return (await trusted(memo)) ? memo : packaged();
    },
    /** What the offline engine needs; `key` changes whenever bundle or policy may have. */
    async offlineInputs() {
      const current = await this.current();
      if (!current) return null;
      const policy = current.bundle.policy ?? (await packaged())?.bundle.policy ?? null;
      const keys = await termKeys(current.bundle);
      // A key that arrives later must reach the engine too: it is part of `key`.
      const keyId = keys ? `:${Object.keys(keys)[0]}` : '';
      const key = `${current.source}:${current.etag ?? current.bundle.version}${keyId}`;
      return { key, bundle: current.bundle, policy, termKeys: keys };
    },
    /** The last signed bundle this worker refused: {reason, at}, or null. */
    async lastRejection() {
      return (await store.getLocal(REJECTION_KEY))?.[REJECTION_KEY] ?? null;
    },
    // Conditional GET; a malformed answer keeps the previous bundle.
    async sync(settings) {
      const outcome = await this.syncBundle(settings);
      await syncTermKey(settings, (await this.current())?.bundle);
      return outcome;
    },
    async syncBundle(settings) {
      if (settings.bundleKeys?.length) return syncSigned.call(this, settings);
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
