// Service worker entry: wires listeners only. State that must survive the worker
// being idled out lives in chrome.storage, not in globals.
import { createHandlers } from './messages.js';
import { createRulesStore } from './rules-store.js';
import { createServiceClient } from './service-client.js';
import { createStatus } from './status.js';
import { loadSettings, saveUserSettings } from './settings-store.js';
import { syncSiteScripts } from './site-scripts.js';
import { ext } from '../shared/ext.js';

const RULES_ALARM = 'postguard-rules-sync';

const client = createServiceClient();
const rules = createRulesStore({ client });
const status = createStatus();
const settings = { load: loadSettings, save: saveUserSettings };
// Registrations are replaced, not edited: run them one at a time.
let siteSync = Promise.resolve();
const sites = {
  sync: (s) => (siteSync = siteSync.catch(() => {}).then(() => syncSiteScripts(s))),
};
const router = createHandlers({ settings, client, rules, status, sites, extId: ext.id() });

ext.onMessage((msg, sender) => router.dispatch(msg, sender));

async function refresh() {
  const { settings: s } = await loadSettings();
  await sites.sync(s).catch(() => {});
  try {
    const health = await client.health(s);
    await status.markConnected(health?.rules_version);
    await rules.sync(s);
  } catch (err) {
    await status.markOffline(err.kind ?? 'unreachable');
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

// For the E2E suite and the popup: the same objects the handlers use.
globalThis.postguard = { router, status, rules, refresh, loadSettings };
