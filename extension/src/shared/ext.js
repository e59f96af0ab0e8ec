// The only module that touches chrome.* (tests swap in a stub). Everything is
// promise-based; Firefox exposes the same calls under `chrome` in MV3.
const api = () => globalThis.chrome;

export const ext = {
  id: () => api().runtime?.id,
  contextValid: () => Boolean(api()?.runtime?.id),
  getURL: (path) => api().runtime.getURL(path),
  version: () => api().runtime.getManifest?.().version,

  async getLocal(keys) {
    return api().storage.local.get(keys);
  },
  async setLocal(values) {
    return api().storage.local.set(values);
  },
  async getSession(keys) {
    return api().storage.session?.get(keys) ?? {};
  },
  async setSession(values) {
    return api().storage.session?.set(values);
  },
  async getManaged() {
    try {
      return (await api().storage.managed.get(null)) ?? {};
    } catch {
      return {}; // no policy installed (Firefox throws instead of returning {})
    }
  },
  onStorageChanged(listener) {
    api().storage.onChanged.addListener(listener);
  },

  sendMessage(message) {
    return api().runtime.sendMessage(message);
  },
  // `handler(message, sender)` returns a promise; its value is the reply.
  onMessage(handler) {
    api().runtime.onMessage.addListener((message, sender, sendResponse) => {
      Promise.resolve()
        .then(() => handler(message, sender))
        .then(sendResponse, (err) => sendResponse({ error: String(err?.message ?? err) }));
      return true;
    });
  },
  // For one context's own protocol (the offscreen document): answers only
  // messages with that `target` and leaves every other message to its owner.
  onMessageFor(target, handler) {
    api().runtime.onMessage.addListener((message, sender, sendResponse) => {
      if (message?.target !== target) return false;
      Promise.resolve()
        .then(() => handler(message, sender))
        .then(sendResponse, (err) => sendResponse({ error: String(err?.name ?? 'error') }));
      return true;
    });
  },
  // Ports from content scripts (attached images: shared/image-protocol.js).
  onConnect(listener) {
    api().runtime.onConnect.addListener(listener);
  },
  connect(name) {
    return api().runtime.connect({ name });
  },
  onInstalled(listener) {
    api().runtime.onInstalled.addListener(listener);
  },
  onStartup(listener) {
    api().runtime.onStartup?.addListener(listener);
  },

  async setBadge({ tabId, text, color, title }) {
    const target = tabId === undefined ? {} : { tabId };
    const a = api().action;
    await a.setBadgeText({ ...target, text });
    if (color) await a.setBadgeBackgroundColor({ ...target, color });
    if (title) await a.setTitle({ ...target, title });
  },

  async registeredScripts() {
    return api().scripting.getRegisteredContentScripts();
  },
  async registerScripts(scripts) {
    return api().scripting.registerContentScripts(scripts);
  },
  async unregisterScripts(ids) {
    return api().scripting.unregisterContentScripts({ ids });
  },
  async hasOrigins(origins) {
    return api().permissions.contains({ origins });
  },
  onPermissionsAdded(listener) {
    api().permissions.onAdded?.addListener(listener);
  },
  async requestOrigins(origins) {
    return api().permissions.request({ origins });
  },

  // Chromium's offscreen documents (Firefox has none: its background page can
  // start a Worker itself).
  async offscreenOpen(path) {
    const contexts = await api().runtime.getContexts({
      contextTypes: ['OFFSCREEN_DOCUMENT'],
      documentUrls: [api().runtime.getURL(path)],
    });
    return contexts.length > 0;
  },
  async createOffscreen(path, justification) {
    return api().offscreen.createDocument({ url: path, reasons: ['WORKERS'], justification });
  },

  createAlarm(name, periodInMinutes) {
    api().alarms?.create(name, { periodInMinutes });
  },
  onAlarm(listener) {
    api().alarms?.onAlarm.addListener(listener);
  },

  async activeTab() {
    const [tab] = await api().tabs.query({ active: true, currentWindow: true });
    return tab;
  },
  openOptions: () => api().runtime.openOptionsPage(),
  // Content scripts only: sees closed shadow roots too (for the self-test).
  openOrClosedShadowRoot: (el) => api()?.dom?.openOrClosedShadowRoot?.(el) ?? null,
};
