// Text normalisation with an offset map back to the original text; the twin of
// backend/postguard/engine/normalize.py. Per code point:
// 1. characters in `remove` (zero-width, soft hyphen, other format characters)
//    are dropped;
// 2. characters in `dash` become "-" and characters in `space` become " ";
// 3. anything else is NFKC-normalised on its own (full-width "４" becomes "4"),
//    and the result goes through steps 1-2 again.
// All offsets in the map are code points, as in Python.

import { CodePointIndex, codePointLength, lastAtOrBelow } from './code-points.js';

const KINDS = ['remove', 'dash', 'space'];
const SIMPLE = { remove: '', dash: '-', space: ' ' };
const NON_ASCII = /[\u0080-\u{10FFFF}]/gu;
const ANY_NON_ASCII = /[\u0080-\u{10FFFF}]/u;

function sortedRanges(list) {
  return (list || [])
    .map(([lo, hi]) => [Math.trunc(Number(lo)), Math.trunc(Number(hi))])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

export class NormalizationTable {
  constructor(spec) {
    this.ranges = KINDS.map((kind) => {
      const ranges = sortedRanges(spec[kind]);
      return { kind, starts: ranges.map((r) => r[0]), ends: ranges.map((r) => r[1]) };
    });
    this.cache = new Map();
  }

  kindOf(code) {
    // Like Python's bisect: only the last range starting at or below `code` counts.
    for (const { kind, starts, ends } of this.ranges) {
      const index = lastAtOrBelow(starts, code);
      if (index >= 0 && code <= ends[index]) return kind;
    }
    return null;
  }

  mapSimple(char) {
    const kind = this.kindOf(char.codePointAt(0));
    return kind === null ? null : SIMPLE[kind];
  }

  replacement(char) {
    const cached = this.cache.get(char);
    if (cached !== undefined) return cached;
    let simple = this.mapSimple(char);
    if (simple === null) {
      simple = '';
      for (const c of char.normalize('NFKC')) simple += this.mapSimple(c) ?? c;
    }
    this.cache.set(char, simple);
    return simple;
  }
}

/** Normalised text plus the edits that map its code-point offsets back. */
export class Normalized {
  constructor(text, editNorm = [], editOrig = []) {
    this.text = text;
    // From normalised index editNorm[k] on, the original index is
    // editOrig[k] + (j - editNorm[k]). Empty means the identity map.
    this.editNorm = editNorm;
    this.editOrig = editOrig;
    this.units = new CodePointIndex(text);
  }

  toOriginal(index) {
    const k = lastAtOrBelow(this.editNorm, index);
    return k < 0 ? index : this.editOrig[k] + (index - this.editNorm[k]);
  }

  spanToOriginal(start, end) {
    if (end <= start) {
      const origin = this.toOriginal(start);
      return [origin, origin];
    }
    return [this.toOriginal(start), this.toOriginal(end - 1) + 1];
  }
}

export function normalize(text, table) {
  if (!ANY_NON_ASCII.test(text)) return new Normalized(text);
  const parts = [];
  const editNorm = [];
  const editOrig = [];
  const addEdit = (normIndex, origIndex) => {
    if (editNorm.length && editNorm[editNorm.length - 1] === normIndex) {
      editOrig[editOrig.length - 1] = origIndex;
    } else {
      editNorm.push(normIndex);
      editOrig.push(origIndex);
    }
  };
  let pairsSeen = 0; // surrogate pairs before the current match: UTF-16 -> code points
  let copiedTo = 0; // code points of the original already handled
  let copiedUnits = 0;
  let normLength = 0;
  for (const match of text.matchAll(NON_ASCII)) {
    const char = match[0];
    const index = match.index - pairsSeen;
    if (char.length === 2) pairsSeen += 1;
    const replacement = table.replacement(char);
    if (replacement === char) continue;
    parts.push(text.slice(copiedUnits, match.index));
    normLength += index - copiedTo;
    const length = codePointLength(replacement);
    for (let offset = 1; offset < length; offset += 1) addEdit(normLength + offset, index);
    parts.push(replacement);
    normLength += length;
    if (length !== 1) addEdit(normLength, index + 1);
    copiedTo = index + 1;
    copiedUnits = match.index + char.length;
  }
  if (parts.length === 0) return new Normalized(text);
  parts.push(text.slice(copiedUnits));
  return new Normalized(parts.join(''), editNorm, editOrig);
}
