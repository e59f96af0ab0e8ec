// Quiet periods: results, deals or numbers of the organisation during a
// blackout. The twin of backend/postguard/engine/guards/quiet_period.py. A
// period applies from `start` to `end` (inclusive ISO dates, the device's local
// date) and, when it lists `groups`, only to devices in one of them.
import { firstNear } from './words.js';

/** The first period (in policy order) open on `today` for a device in `groups`, or null. */
export function activeWindow(windows, today, groups) {
  for (const period of windows) {
    if (!(String(period.start) <= today && today <= String(period.end))) continue;
    const wanted = period.groups;
    if (Array.isArray(wanted) && wanted.length && !wanted.some((group) => groups.has(group))) continue;
    return period;
  }
  return null;
}

/** The name mentioned next to financial-result wording ({index, text}), or null. */
export const resultsMention = (text, names, financial, windowWords) => firstNear(text, names, financial, windowWords);
