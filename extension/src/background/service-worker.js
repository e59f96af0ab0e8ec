// Background entry (a service worker on Chromium, an event page on Firefox):
// wires listeners only. State that must survive the worker being idled out lives
// in chrome.storage; the proof that the service is ours deliberately does not
// (a restarted worker runs the handshake again).
import { createDirectHost, createOffscreenHost, createOfflineEngine } from './offline-engine.js';
import { loadSettings, saveUserSettings } from './settings-store.js';
import { ENGINE_WORKER_PATH } from '../shared/offscreen-protocol.js';
import { createConnection } from './connection.js';
import { createHandlers } from './messages.js';
import { createImageChecker } from './image-check.js';
import { createRulesStore } from './rules-store.js';
import { createServiceClient } from './service-client.js';
import { createStatus } from './status.js';
import { ext } from '../shared/ext.js';
import { syncSiteScripts } from './site-scripts.js';

const RULES_ALARM = 'postguard-rules-sync';

const client = createServiceClient({ extensionVersion: ext.version() });
const rules = createRulesStore({
  client,
  pinnedKeys: async () => (await loadSettings()).settings.bundleKeys,
});
const status = createStatus();
const connection = createConnection({ client, status });
// A Chromium service worker cannot start a Worker; Firefox's background page can.
const host =
  typeof Worker === 'function'
    ? createDirectHost({ createWorker: () => new Worker(ext.getURL(ENGINE_WORKER_PATH), { type: 'module' }) })
    : createOffscreenHost();
const offline = createOfflineEngine({ rules, host });
const settings = { load: loadSettings, save: saveUserSettings };
// Registrations are replaced, not edited: run them one at a time.
let siteSync = Promise.resolve();
const sites = {
  sync: (s) => (siteSync = siteSync.catch(() => {}).then(() => syncSiteScripts(s))),
};
const router = createHandlers({ settings, client, connection, rules, offline, status, sites, extId: ext.id() });

ext.onMessage((msg, sender) => router.dispatch(msg, sender));
// Attached images come over a port (their bytes do not fit a JSON message well).
const images = createImageChecker({ settings, client, connection, offline });
ext.onConnect((port) => images.onConnect(port, (sender) => router.senderKind(sender) === 'content'));

async function refresh() {
  const { settings: s } = await loadSettings();
  await sites.sync(s).catch(() => {});
  try {
    await connection.handshake(s);
    await connection.call(s, () => rules.sync(s));
  } catch {
    // connection.js has set the badge and the offline state
  }
}

ext.onInstalled(() => {
  ext.createAlarm(RULES_ALARM, 10);
  refresh();
});
ext.onStartup(() => refresh());
ext.onAlarm((alarm) => {
  if (alarm.name === RULES_ALARM) refresh();
});
ext.onPermissionsAdded(() => refresh());
ext.onStorageChanged((changes, area) => {
  if ((area === 'local' && changes.settings) || area === 'managed') refresh();
});
// Every start of the worker proves the service again before any draft.
loadSettings()
  .then(({ settings: s }) => connection.ready(s))
  .catch(() => {});

// For the E2E suite and the popup: the same objects the handlers use.
globalThis.postguard = { router, status, connection, rules, offline, images, refresh, loadSettings };
