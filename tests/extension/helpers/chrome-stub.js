// One in-memory `chrome` for unit tests: storage areas, runtime messaging,
// action badges, scripting registrations, permissions and alarms.
function storageArea(initial = {}) {
  let data = structuredClone(initial);
  const listeners = [];
  return {
    async get(keys) {
      if (keys === null || keys === undefined) return structuredClone(data);
      const list = Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(list.filter((k) => k in data).map((k) => [k, structuredClone(data[k])]));
    },
    async set(values) {
      data = { ...data, ...structuredClone(values) };
      listeners.forEach((l) => l(values));
    },
    _replace(next) {
      data = structuredClone(next);
    },
    _listeners: listeners,
  };
}

export function createChromeStub({ id = 'bdjldkhffmlmhngiojpjiponmegeadcm', managed = {}, granted = [] } = {}) {
  const badges = new Map(); // tabId ('global' for none) -> {text, title, color}
  const registered = [];
  const grantedOrigins = new Set(granted);
  const messageListeners = [];
  const badgeFor = (details) => {
    const key = details.tabId ?? 'global';
    if (!badges.has(key)) badges.set(key, {});
    return badges.get(key);
  };
  const local = storageArea();
  const chrome = {
    runtime: {
      id,
      getURL: (path) => `chrome-extension://${id}/${path}`,
      sendMessage: async () => undefined,
      onMessage: { addListener: (l) => messageListeners.push(l) },
      onInstalled: { addListener() {} },
      onStartup: { addListener() {} },
      openOptionsPage: async () => {},
    },
    storage: {
      local,
      session: storageArea(),
      managed: storageArea(managed),
      onChanged: { addListener() {} },
    },
    action: {
      async setBadgeText(d) { badgeFor(d).text = d.text; },
      async setBadgeBackgroundColor(d) { badgeFor(d).color = d.color; },
      async setTitle(d) { badgeFor(d).title = d.title; },
    },
    scripting: {
      async getRegisteredContentScripts() { return structuredClone(registered); },
      async registerContentScripts(scripts) {
        for (const s of scripts) {
          if (registered.some((r) => r.id === s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
          registered.push(structuredClone(s));
        }
      },
      async unregisterContentScripts({ ids }) {
        for (const sid of ids) registered.splice(registered.findIndex((r) => r.id === sid), 1);
      },
    },
    permissions: {
      async contains({ origins }) { return origins.every((o) => grantedOrigins.has(o)); },
      async request({ origins }) { origins.forEach((o) => grantedOrigins.add(o)); return true; },
      onAdded: { addListener() {} },
    },
    alarms: { create() {}, onAlarm: { addListener() {} } },
    tabs: { query: async () => [{ id: 7 }] },
    _badges: badges,
    _registered: registered,
    _messageListeners: messageListeners,
  };
  return chrome;
}

export function installChrome(options) {
  globalThis.chrome = createChromeStub(options);
  return globalThis.chrome;
}
