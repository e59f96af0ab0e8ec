// One length limit (the bundle's defaults.max_chars, in code points) for what
// leaves the service worker. Text past it is never dropped silently: the answer
// says complete: false with the reason too_long, and is never "allow".
export const DEFAULT_MAX_CHARS = 100_000;

export function maxCharsOf(bundle) {
  const value = bundle?.defaults?.max_chars;
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_MAX_CHARS;
}

/** {text, fullLength}: the first `max` code points, and the draft's length in code points when it was cut (else null). */
export function cutDraft(text, max) {
  if (text.length <= max) return { text, fullLength: null }; // never more code points than UTF-16 units
  let units = 0;
  let points = 0;
  while (units < text.length && points < max) {
    units += text.codePointAt(units) > 0xffff ? 2 : 1;
    points++;
  }
  if (units >= text.length) return { text, fullLength: null };
  let fullLength = points;
  for (let i = units; i < text.length; i += text.codePointAt(i) > 0xffff ? 2 : 1) fullLength++;
  return { text: text.slice(0, units), fullLength };
}

/** The answer for a draft that was cut says so, whichever engine gave it. */
export function markTooLong(result, fullLength) {
  if (fullLength === null) return result;
  const incomplete = Array.isArray(result.incomplete) ? result.incomplete : [];
  const noted = incomplete.some((i) => i.reason === 'too_long');
  return {
    ...result,
    complete: false,
    incomplete: noted ? incomplete : [...incomplete, { rule_id: null, reason: 'too_long' }],
    verdict: result.verdict === 'allow' ? 'warn' : result.verdict,
  };
}
