// Where a rule's pattern is tried: near its anchors, never over the whole text.
// The twin of backend/postguard/engine/anchors.py (read its docstring for why the
// matches are exactly those of a whole-text search). One pass finds every
// keyword (an Aho-Corasick automaton over the lower-cased text), one pass the
// digit runs; a rule's pattern is then tried only where a keyword starts
// (keyword_first) or in windows around its anchors (or its gate's matches). Offsets are UTF-16 units;
// the bundle's reach is in code points, so windows take twice as many units
// (wider is never wrong, only slower).

import { BudgetTimeout } from './budget.js';
import { findUntil } from './matches.js';

const DOTTED_CAPITAL_I = '\u0130'; // the one character whose lower case is two long
const DOTLESS_I = '\u0131';

/** text.toLowerCase(), but every character keeps its length; the Turkic İ and ı
 * become "i" (lower_keeping_offsets in anchors.py says why). */
export function lowerKeepingOffsets(text) {
  let lowered = text.toLowerCase();
  if (lowered.length !== text.length) {
    lowered = text
      .split(DOTTED_CAPITAL_I)
      .map((part) => part.toLowerCase())
      .join('i');
  }
  return lowered.includes(DOTLESS_I) ? lowered.replaceAll(DOTLESS_I, 'i') : lowered;
}

/**
 * Every occurrence of every keyword in one pass: a deterministic Aho-Corasick
 * automaton over UTF-16 code units, as a transition table over the keywords'
 * alphabet (code units outside it all lead where any unknown character does).
 */
export class KeywordFinder {
  constructor(keywords) {
    this.keywords = [...new Set(keywords)].sort();
    const units = new Set();
    for (const keyword of this.keywords) {
      for (let i = 0; i < keyword.length; i += 1) units.add(keyword.charCodeAt(i));
    }
    this.alphabet = new Map([...units].sort((a, b) => a - b).map((unit, i) => [unit, i + 1]));
    const width = this.alphabet.size + 1;
    // The trie: goto[state * width + symbol], 0 = none (state 0 is the root).
    const edges = [new Int32Array(width)];
    const outputs = [[]];
    for (const [index, keyword] of this.keywords.entries()) {
      let state = 0;
      for (let i = 0; i < keyword.length; i += 1) {
        const symbol = this.alphabet.get(keyword.charCodeAt(i));
        if (edges[state][symbol] === 0) {
          edges.push(new Int32Array(width));
          outputs.push([]);
          edges[state][symbol] = edges.length - 1;
        }
        state = edges[state][symbol];
      }
      outputs[state].push(index);
    }
    // Breadth first: failure links turn the trie into a full transition table,
    // and each state's outputs gain those of its failure state.
    const fail = new Int32Array(edges.length);
    const queue = [];
    for (let symbol = 0; symbol < width; symbol += 1) {
      const next = edges[0][symbol];
      if (next !== 0) queue.push(next);
    }
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head];
      outputs[state] = [...outputs[state], ...outputs[fail[state]]];
      for (let symbol = 0; symbol < width; symbol += 1) {
        const next = edges[state][symbol];
        if (next !== 0) {
          fail[next] = edges[fail[state]][symbol];
          queue.push(next);
        } else {
          edges[state][symbol] = edges[fail[state]][symbol];
        }
      }
    }
    this.width = width;
    this.table = new Int32Array(edges.length * width);
    edges.forEach((row, state) => this.table.set(row, state * width));
    this.outputs = outputs.map((list) => (list.length ? list : null));
    this.symbols = new Uint16Array(0x10000);
    for (const [unit, symbol] of this.alphabet) this.symbols[unit] = symbol;
  }

  /** Keyword -> the UTF-16 offsets where it starts, ascending. */
  find(lowered) {
    const hits = new Map();
    if (!this.keywords.length) return hits;
    const { table, width, symbols, outputs, keywords } = this;
    let state = 0;
    for (let i = 0; i < lowered.length; i += 1) {
      state = table[state * width + symbols[lowered.charCodeAt(i)]];
      const found = outputs[state];
      if (found === null) continue;
      for (const index of found) {
        const keyword = keywords[index];
        const start = i - keyword.length + 1;
        const starts = hits.get(keyword);
        if (starts === undefined) hits.set(keyword, [start]);
        else starts.push(start);
      }
    }
    return hits;
  }
}

/** Runs of the bundle's digit_run pattern holding at least `atLeast` digits. */
export function digitRuns(pattern, text, atLeast) {
  const runs = [];
  for (const match of findUntil(pattern, text).found) {
    const run = match[0];
    if (run.length < atLeast) continue;
    let digits = 0;
    for (let i = 0; i < run.length; i += 1) {
      const code = run.charCodeAt(i);
      if (code >= 48 && code <= 57) digits += 1;
    }
    if (digits >= atLeast) runs.push({ start: match.index, end: match.index + run.length, digits });
  }
  return runs;
}

// With gate matches closer together than this, the rule searches the whole text
// (as DENSE_GATE in anchors.py).
export const DENSE_GATE = 1024;

/** Where `gate` matches, as a search over the text finds them ([start, end]
 * UTF-16 offsets), or the whole text when they are dense; throws BudgetTimeout
 * when `deadline` passes. */
export function gateSpans(gate, text, deadline, clock) {
  const { regex } = gate;
  const spans = [];
  for (let position = 0; ; ) {
    regex.lastIndex = position;
    const match = regex.exec(text);
    if (deadline !== Infinity && clock() > deadline) throw new BudgetTimeout();
    if (match === null) return spans;
    position = match.index + match[0].length;
    spans.push([match.index, position]);
    if (spans.length * DENSE_GATE > text.length) return [[0, text.length]];
  }
}

export function keywordStarts(hits, keywords) {
  const starts = keywords.flatMap((keyword) => hits.get(keyword) ?? []);
  return starts.sort((a, b) => a - b);
}

export function keywordSpans(hits, keywords) {
  const spans = keywords.flatMap((k) => (hits.get(k) ?? []).map((start) => [start, start + k.length]));
  return spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

// Windows closer than this are searched as one (as in anchors.py).
export const MERGE_GAP = 512;

/** Where a match may start (UTF-16): within `ahead` before an anchor to
 * `behind` after it; merged, ascending. Searching more starts than needed never
 * changes the matches, only the time. */
export function windows(anchors, behind, ahead, size) {
  const merged = [];
  for (const [start, end] of anchors) {
    const lo = Math.max(0, start - ahead);
    const hi = Math.min(size, end + behind);
    const last = merged[merged.length - 1];
    if (last !== undefined && lo <= last[1] + MERGE_GAP) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

/**
 * Matches that start at one of `starts` (ascending), without overlaps: what a
 * whole-text search finds when every match starts at one of them. Returns
 * `{ found, timedOut }` like findUntil.
 */
export function matchesAt(pattern, text, starts, deadline, clock) {
  const sticky = pattern.sticky();
  const found = [];
  let cursor = 0;
  for (const start of starts) {
    if (start < cursor) continue;
    if (deadline !== Infinity && clock() > deadline) return { found, timedOut: true };
    sticky.lastIndex = start;
    const match = sticky.exec(text);
    if (match !== null) {
      found.push({ match, offset: 0 });
      cursor = start + match[0].length;
    }
  }
  return { found, timedOut: false };
}

/**
 * Matches starting inside `spans` (merged, ascending), in the order and without
 * the overlaps of a whole-text search. JS has no endpos: each span is searched
 * in a slice that reaches `behind` before it (for lookbehinds) and `ahead` past
 * it, so a start inside the span reads nothing the slice lacks. Each match comes
 * with the slice's offset.
 */
export function matchesWithin(pattern, text, spans, { behind, ahead }, deadline, clock) {
  const found = [];
  let cursor = 0;
  for (const [lo, hi] of spans) {
    const from = Math.max(cursor, lo);
    if (from > hi) continue;
    const sliceStart = Math.max(0, lo - behind);
    const slice = text.slice(sliceStart, Math.min(text.length, hi + ahead));
    const part = findUntil(pattern, slice, deadline, {
      from: from - sliceStart,
      until: hi - sliceStart,
      clock,
    });
    for (const match of part.found) {
      if (match.index + sliceStart > hi) break;
      found.push({ match, offset: sliceStart });
      cursor = sliceStart + match.index + match[0].length;
    }
    if (part.timedOut) return { found, timedOut: true };
  }
  return { found, timedOut: false };
}
