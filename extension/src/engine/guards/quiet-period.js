// Quiet periods: results, deals or numbers of the organisation during a
// blackout. The twin of backend/postguard/engine/guards/quiet_period.py. A
// window applies from `start` to `end` (inclusive ISO dates, the device's local
// date) and, when it lists `groups`, only to devices in one of them.
import { firstNear } from './words.js';

/** The first window (in policy order) open on `today` for a device in `groups`, or null. */
export function activeWindow(windows, today, groups) {
  for (const window of windows) {
    if (!(String(window.start) <= today && today <= String(window.end))) continue;
    const wanted = window.groups;
    if (Array.isArray(wanted) && wanted.length && !wanted.some((group) => groups.has(group))) continue;
    return window;
  }
  return null;
}

/** The name mentioned next to financial-result wording ({index, text}), or null. */
export const resultsMention = (text, names, financial, windowWords) => firstNear(text, names, financial, windowWords);
