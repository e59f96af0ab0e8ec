// One scan: ask the service worker (which asks the service); if the service is
// unreachable, run the offline engine here. Every result carries `source`:
// service | offline | unchecked, and the admin's fail policy.
import { MSG } from '../shared/message-types.js';

export function createScanner({ send, scanOffline, locale }) {
  return async function scan(text, platform) {
    // A failed send means this content script was orphaned (extension updated or
    // reloaded): nothing can be checked until the tab is reloaded.
    let orphaned = false;
    const reply = await send({ type: MSG.SCAN, text, platform, locale }).catch(() => {
      orphaned = true;
      return null;
    });
    if (orphaned) return { source: 'unchecked', reason: 'extension-reloaded', failPolicy: 'open' };
    const failPolicy = reply?.failPolicy ?? 'open';
    if (reply?.source === 'service') return reply;
    const offline = await scanOffline(text, { locale, bundleVersion: reply?.bundleVersion });
    if (offline && Array.isArray(offline.findings)) return { ...offline, source: 'offline', failPolicy };
    return { source: 'unchecked', failPolicy };
  };
}
