// Handlers for the extension's own pages (popup, options): status, settings,
// connection test. Never reachable from content scripts (see messages.js).
import { MSG } from '../shared/message-types.js';

export function pageHandlers({ settings, client, rules, status, sites }) {
  return {
    [MSG.STATUS]: {
      from: 'page',
      async run(msg) {
        const { settings: s, locked } = await settings.load();
        let health = null;
        try {
          health = await client.health(s);
          await status.markConnected(health?.rules_version);
        } catch (err) {
          await status.markOffline(err.kind);
        }
        const bundle = await rules.current();
        return {
          connection: status.connection().state,
          serviceVersion: health?.version ?? null,
          rulesVersion: health?.rules_version ?? status.connection().rulesVersion,
          offlineRulesVersion: bundle ? String(bundle.bundle.version) : null,
          site: Number.isInteger(msg.tabId) ? await status.site(msg.tabId) : null,
          settings: { ...s, token: s.token ? 'set' : '' },
          locked,
        };
      },
    },
    [MSG.SAVE_SETTINGS]: {
      from: 'page',
      async run(msg) {
        const result = await settings.save(msg.values ?? {});
        const { settings: s } = await settings.load();
        const siteResult = await sites.sync(s).catch(() => null);
        return { ...result, sites: siteResult };
      },
    },
    [MSG.TEST_CONNECTION]: {
      from: 'page',
      async run() {
        const { settings: s } = await settings.load();
        try {
          const health = await client.health(s);
          await status.markConnected(health?.rules_version);
          rules.sync(s).catch(() => {});
          return { ok: true, version: health?.version, rulesVersion: health?.rules_version };
        } catch (err) {
          await status.markOffline(err.kind);
          return { ok: false, reason: err.kind };
        }
      },
    },
  };
}
