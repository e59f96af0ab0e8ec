// Whole-word patterns and the "near the organisation's name" test the guards
// share: the twin of backend/postguard/engine/guards/words.py. Patterns carry
// no i flag (each letter a class of its cases, as org.js builds them), so
// Python's `regex` and a JS RegExp with the u flag match the same words.
// Positions here are UTF-16 units; word and sentence numbers come out the same
// as Python's code-point ones, since both count what lies before a position.
import { caselessAtoms, escape, triePattern } from '../org.js';

export const EDGE_BEFORE = '(?<![\\p{L}\\p{M}\\p{N}_])';
export const EDGE_AFTER = '(?![\\p{L}\\p{M}\\p{N}_])';
// A blank inside a listed word or name also matches a hyphen or an underscore.
export const BLANK = '[ \\-_]{1,3}';
export const APOSTROPHE = "['’]";
// Python's str.isspace (strip, split) and the regex module's \s: JS's \s
// differs (it takes U+FEFF, leaves out U+0085 and U+001C-U+001F).
const PY_SPACE = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const RX_SPACE = '\\t-\\r\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const BLANKS = new RegExp(`[${PY_SPACE}]+`, 'u');
const EDGES = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'gu');
const WORD = /[\p{L}\p{M}\p{N}_'’]+/gu;
// A sentence ends at . ! ? … (their full-width forms, the Devanagari danda)
// before a blank or the end, or at a line break.
const SENTENCE_END = new RegExp(`[.!?…。！？।॥]+(?=[${RX_SPACE}]|$)|\\n`, 'gu');

/** Python's str.strip() (no argument). */
export const pyStrip = (text) => text.replace(EDGES, '');

/** Python's str.split() (no argument). */
export const pySplit = (text) => pyStrip(text).split(BLANKS).filter(Boolean);

/** Python's str.lstrip(chars). */
export function lstrip(text, chars) {
  let i = 0;
  while (i < text.length && chars.includes(text[i])) i += 1;
  return text.slice(i);
}

function atomsOf(word, exactCase = false) {
  const atoms = [];
  pySplit(word).forEach((part, n) => {
    if (n) atoms.push(BLANK);
    for (const char of part) {
      if (char === "'" || char === '’') atoms.push(APOSTROPHE);
      else if (exactCase) atoms.push(escape(char));
      else atoms.push(...caselessAtoms(char));
    }
  });
  return atoms;
}

/** Any of `words` as a whole word in any case, or any `extra` pattern (words_pattern). */
export function wordsPattern(words, extra = []) {
  const unique = [...new Set(words.map((w) => pyStrip(String(w)).toLowerCase()).filter(Boolean))];
  const parts = [];
  if (unique.length) parts.push(`${EDGE_BEFORE}(?:${triePattern(unique.map((w) => atomsOf(w)))})${EDGE_AFTER}`);
  for (const pattern of extra) parts.push(`(?:${pattern})`);
  return parts.join('|');
}

/** The organisation's names in any case and its tickers in capitals only, or null (names_pattern). */
export function namesPattern(names, tickers) {
  const atoms = [];
  for (const name of names) if (pyStrip(String(name))) atoms.push(atomsOf(pyStrip(String(name))));
  for (const ticker of tickers) atoms.push(atomsOf(lstrip(pyStrip(String(ticker)), '$'), true));
  const used = atoms.filter((a) => a.length);
  if (!used.length) return null;
  return `(?<![\\p{L}\\p{M}\\p{N}_$])\\$?(?:${triePattern(used)})${EDGE_AFTER}`;
}

/** How many of the sorted `values` are <= `value` (bisect_right). */
export function bisectRight(values, value) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the sorted `values` are < `value` (bisect_left). */
export function bisectLeft(values, value) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where each word and sentence of a text is (Layout in words.py). */
export class Layout {
  constructor(text) {
    this.wordStarts = Array.from(text.matchAll(WORD), (m) => m.index);
    this.sentenceEnds = Array.from(text.matchAll(SENTENCE_END), (m) => m.index);
  }

  /** [sentence number, word number] of the text at `position`. */
  place(position) {
    return [bisectRight(this.sentenceEnds, position - 1), bisectRight(this.wordStarts, position)];
  }
}

/**
 * The first match of `names` with a match of `words` in the same sentence and
 * at most `windowWords` words away, not inside the name itself (first_near), as
 * {index, text} in UTF-16 units; or null.
 */
export function firstNear(text, names, words, windowWords) {
  const mentions = [...text.matchAll(names)];
  if (!mentions.length) return null;
  const hits = Array.from(text.matchAll(words), (m) => [m.index, m.index + m[0].length]);
  if (!hits.length) return null;
  const layout = new Layout(text);
  const places = hits.map(([start]) => layout.place(start));
  const hitWords = places.map((place) => place[1]);
  for (const mention of mentions) {
    const start = mention.index;
    const end = start + mention[0].length;
    const [sentence, word] = layout.place(start);
    for (let n = bisectLeft(hitWords, word - windowWords); n < hits.length; n += 1) {
      if (hitWords[n] > word + windowWords) break;
      const [hitStart, hitEnd] = hits[n];
      const inside = hitStart < end && start < hitEnd;
      if (!inside && places[n][0] === sentence) return { index: start, text: mention[0] };
    }
  }
  return null;
}
