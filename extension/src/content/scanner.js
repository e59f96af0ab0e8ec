// One scan: ask the service worker, which answers from the service or, when the
// service is unavailable, from the offline engine (in its own Worker, never in
// this page). Every result carries `source`: service | offline | unchecked, and
// the admin's fail policy.
import { MSG } from '../shared/message-types.js';

export function createScanner({ send, locale }) {
  // `context`: who the draft goes to ({audience, targets}), or null.
  return async function scan(text, platform, context = null) {
    let reply;
    try {
      reply = await send({ type: MSG.SCAN, text, platform, locale, ...(context ? { context } : {}) });
    } catch {
      // This content script was orphaned (extension updated or reloaded): nothing
      // can be checked until the tab is reloaded.
      return { source: 'unchecked', reason: 'extension-reloaded', failPolicy: 'open' };
    }
    if (Array.isArray(reply?.findings)) return reply;
    return { source: 'unchecked', reason: reply?.reason ?? 'no-answer', failPolicy: reply?.failPolicy ?? 'open' };
  };
}
