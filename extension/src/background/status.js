// Connection state (set by connection.js) and per-tab protection state, mirrored
// to the badge. Tab states are kept in storage.session so a restarted worker
// (MV3 idles them out) still knows.
import { badgeFor } from './badge.js';
import { ext } from '../shared/ext.js';

const WORST_FIRST = ['not-protected', 'protected', 'idle'];

// One tab's state from its frames' reports: any unguarded box wins; the top
// frame's platform names the site.
export function combineFrames(entries) {
  const sites = entries.map(([, site]) => site);
  const state = WORST_FIRST.find((s) => sites.some((site) => site.state === s)) ?? 'idle';
  const top = entries.find(([id]) => id === 0)?.[1] ?? sites[0];
  const boxes = [...new Set(sites.flatMap((site) => site.boxes ?? []))].slice(0, 5);
  return { state, platform: top?.platform ?? '', boxes };
}

export function createStatus({ store = ext } = {}) {
  let connection = { state: 'unknown', rulesVersion: null, reason: null };
  const tabs = new Map();
  const frameStates = new Map(); // tabId -> { topDocument, byFrame: Map(frameId -> site) }

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
    // Each frame that runs the content script reports for itself (a cross-origin
    // frame guards its own editors); the tab shows the worst. A new top document
    // starts the tab afresh.
    async setSite(tabId, site, { frameId = 0, documentId } = {}) {
      if (tabId === undefined) return;
      let frames = frameStates.get(tabId);
      if (!frames || (frameId === 0 && documentId && frames.topDocument !== documentId)) {
        frames = { topDocument: frameId === 0 ? documentId : frames?.topDocument, byFrame: new Map() };
        frameStates.set(tabId, frames);
      }
      frames.byFrame.set(frameId, site);
      const combined = combineFrames([...frames.byFrame.entries()]);
      tabs.set(tabId, combined);
      await store.setSession({ [`site:${tabId}`]: combined });
      await paint(tabId);
    },
    async site(tabId) {
      if (tabs.has(tabId)) return tabs.get(tabId);
      const key = `site:${tabId}`;
      return (await store.getSession(key))?.[key] ?? null;
    },
  };
}
