// Sites the admin (or user) enables beyond the built-in list get the same content
// script, registered at runtime for the hosts the extension holds permission for.
import { ext } from '../shared/ext.js';

export const EXTRA_SITES_SCRIPT_ID = 'postguard-extra-sites';

const LOOPBACK = new Set(['localhost', '127.0.0.1']);

// https for real sites; plain http only for pages served from this machine.
export function patternsFor(hosts) {
  return hosts.map((host) => (LOOPBACK.has(host) ? `http://${host}/*` : `https://${host}/*`));
}

export async function syncSiteScripts(settings, { store = ext } = {}) {
  const hosts = [...new Set([...settings.enabledSites, ...settings.mastodonInstances])];
  const granted = [];
  const missing = [];
  for (const host of hosts) {
    const [pattern] = patternsFor([host]);
    if (await store.hasOrigins([pattern])) granted.push(pattern);
    else missing.push(host);
  }
  const existing = await store.registeredScripts();
  if (existing.some((s) => s.id === EXTRA_SITES_SCRIPT_ID)) {
    await store.unregisterScripts([EXTRA_SITES_SCRIPT_ID]);
  }
  if (granted.length) {
    await store.registerScripts([
      {
        id: EXTRA_SITES_SCRIPT_ID,
        matches: granted,
        js: ['src/content/loader.js'],
        runAt: 'document_start',
        // Editors in frames (TinyMCE's srcdoc iframe, about:blank editors) too.
        allFrames: true,
        matchOriginAsFallback: true,
        persistAcrossSessions: true,
      },
    ]);
  }
  return { registered: granted, missing };
}
