// In-memory verdicts by text hash (never the text). Offline and incomplete
// verdicts expire quickly, so the full check runs again once it can.
const OFFLINE_TTL_MS = 5000;

export function createVerdictCache({ max = 256, now = () => Date.now() } = {}) {
  const entries = new Map();
  return {
    get(hash) {
      const entry = entries.get(hash);
      if (!entry) return null;
      if (entry.expires && now() > entry.expires) {
        entries.delete(hash);
        return null;
      }
      entries.delete(hash); // refresh LRU position
      entries.set(hash, entry);
      return entry.result;
    },
    set(hash, result) {
      if (result.source === 'unchecked') return;
      const partial = result.source === 'offline' || result.complete === false;
      const expires = partial ? now() + OFFLINE_TTL_MS : 0;
      entries.delete(hash);
      entries.set(hash, { result, expires });
      while (entries.size > max) entries.delete(entries.keys().next().value);
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
