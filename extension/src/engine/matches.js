// Iterate matches the way Python's finditer does. The difference is after an
// empty match at p: JS moves on to p + 1, Python first tries a non-empty match
// that also starts at p. Between matches the deadline is checked, because a JS
// regex cannot be interrupted (Python's `regex` has a timeout instead).

import { BudgetTimeout, systemClock } from './budget.js';

function nextCodePoint(text, index) {
  return index + (text.codePointAt(index) > 0xffff ? 2 : 1);
}

/**
 * Matches of a PortablePattern in `text`, in Python's order, until `deadline`
 * (a `clock()` value) passes: `{ found, timedOut }`. `from` is where the search
 * starts (lookbehinds still see the text before it); the search stops at the
 * first match that starts after `until` (both UTF-16 offsets).
 */
export function findUntil(
  pattern,
  text,
  deadline = Infinity,
  { from = 0, until = Infinity, clock = systemClock } = {},
) {
  const found = [];
  const regex = pattern.regex;
  let position = from;
  let afterEmpty = false;
  while (position <= text.length) {
    let match;
    if (afterEmpty) {
      const sticky = pattern.nonEmptySticky();
      sticky.lastIndex = position;
      match = sticky.exec(text);
      if (match === null) {
        afterEmpty = false;
        position = nextCodePoint(text, position);
        continue;
      }
    } else {
      regex.lastIndex = position;
      match = regex.exec(text);
    }
    if (deadline !== Infinity && clock() > deadline) return { found, timedOut: true };
    if (match === null || match.index > until) break;
    found.push(match);
    afterEmpty = match[0].length === 0;
    position = match.index + match[0].length;
  }
  return { found, timedOut: false };
}

/** All matches (see findUntil); throws BudgetTimeout when `deadline` passes. */
export function findAll(pattern, text, deadline = Infinity, options = {}) {
  const { found, timedOut } = findUntil(pattern, text, deadline, options);
  if (timedOut) throw new BudgetTimeout();
  return found;
}
