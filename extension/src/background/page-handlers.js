// Handlers for the extension's own pages (popup, options): status, settings,
// connection test. Never reachable from content scripts (see messages.js).
import { MSG } from '../shared/message-types.js';

export function pageHandlers({ settings, connection, rules, status, sites }) {
  return {
    [MSG.STATUS]: {
      from: 'page',
      async run(msg) {
        const { settings: s, locked } = await settings.load();
        const health = await connection.handshake(s).catch(() => null);
        const bundle = await rules.current();
        const { state, reason, rulesVersion } = status.connection();
        return {
          connection: state,
          reason,
          serviceVersion: health?.version ?? null,
          rulesVersion: health?.rules_version ?? rulesVersion,
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
    // The same handshake that guards every draft: a signed request, and an
    // answer that must prove it comes from the holder of the token.
    [MSG.TEST_CONNECTION]: {
      from: 'page',
      async run() {
        const { settings: s } = await settings.load();
        try {
          const health = await connection.handshake(s);
          connection.call(s, () => rules.sync(s)).catch(() => {});
          return { ok: true, version: health.version, rulesVersion: health.rules_version };
        } catch (err) {
          return { ok: false, reason: err?.kind ?? 'unreachable' };
        }
      },
    },
  };
}
