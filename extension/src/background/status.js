// Connection state (set by connection.js) and per-tab protection state, mirrored
// to the badge. Tab states are kept in storage.session so a restarted worker
// (MV3 idles them out) still knows.
import { badgeFor } from './badge.js';
import { ext } from '../shared/ext.js';

export function createStatus({ store = ext } = {}) {
  let connection = { state: 'unknown', rulesVersion: null, reason: null };
  const tabs = new Map();

  async function paint(tabId) {
    if (tabId === undefined) {
      await store.setBadge(badgeFor({ connection: connection.state }));
      for (const id of tabs.keys()) await paint(id);
      return;
    }
    const badge = badgeFor({ connection: connection.state, site: tabs.get(tabId) });
    try {
      await store.setBadge({ tabId, ...badge });
    } catch {
      tabs.delete(tabId); // the tab is gone
    }
  }

  async function setConnection(next) {
    const changed = next.state !== connection.state;
    connection = { ...connection, ...next };
    if (changed) await paint();
  }

  return {
    connection: () => ({ ...connection }),
    async markConnected(rulesVersion) {
      await setConnection({ state: 'connected', reason: null, rulesVersion: rulesVersion ?? connection.rulesVersion });
    },
    async markOffline(kind) {
      const state = kind === 'unpaired' ? 'unpaired' : 'offline';
      await setConnection({ state, reason: kind ?? 'unreachable' });
    },
    async setSite(tabId, site) {
      if (tabId === undefined) return;
      tabs.set(tabId, site);
      await store.setSession({ [`site:${tabId}`]: site });
      await paint(tabId);
    },
    async site(tabId) {
      if (tabs.has(tabId)) return tabs.get(tabId);
      const key = `site:${tabId}`;
      return (await store.getSession(key))?.[key] ?? null;
    },
  };
}
