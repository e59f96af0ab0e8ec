// Text normalisation with an offset map back to the original text; the twin of
// backend/postguard/engine/normalize.py. Per code point:
// 1. characters in `remove` (zero-width, soft hyphen, other format characters)
//    are dropped;
// 2. characters in `dash` become "-" and characters in `space` become " ";
// 3. anything else is NFKC-normalised on its own (full-width "４" becomes "4"),
//    and the result goes through steps 1-2 again.
// All offsets in the map are code points, as in Python. The map holds one edit
// per run of removed or expanded characters, not one per character: 100,000
// zero-width characters in a row are a single edit.

import { CodePointIndex, codePointLength, lastAtOrBelow } from './code-points.js';

const KINDS = ['remove', 'dash', 'space'];
const SIMPLE = { remove: '', dash: '-', space: ' ' };
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
    this.cache = new Map(); // code point -> replacement, or null when unchanged
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
    let simple = this.mapSimple(char);
    if (simple === null) {
      simple = '';
      for (const c of char.normalize('NFKC')) simple += this.mapSimple(c) ?? c;
    }
    return simple;
  }

  /** The replacement of a (non-ASCII) code point, or null when it stays. */
  changeOf(code) {
    let change = this.cache.get(code);
    if (change === undefined) {
      const char = String.fromCodePoint(code);
      const replacement = this.replacement(char);
      change = replacement === char ? null : replacement;
      this.cache.set(code, change);
    }
    return change;
  }
}

/** Normalised text plus the edits that map its code-point offsets back. */
export class Normalized {
  constructor(text, editNorm = [], editOrig = [], editScale = []) {
    this.text = text;
    // From normalised index editNorm[k] on, the original index is
    // editOrig[k] + floor((j - editNorm[k]) / editScale[k]). A scale above 1
    // covers a run of characters that each expanded to that many. Empty means
    // the identity map.
    this.editNorm = editNorm;
    this.editOrig = editOrig;
    this.editScale = editScale;
    this.units = new CodePointIndex(text);
  }

  toOriginal(index) {
    const k = lastAtOrBelow(this.editNorm, index);
    if (k < 0) return index;
    return this.editOrig[k] + Math.floor((index - this.editNorm[k]) / this.editScale[k]);
  }

  spanToOriginal(start, end) {
    if (end <= start) {
      const origin = this.toOriginal(start);
      return [origin, origin];
    }
    return [this.toOriginal(start), this.toOriginal(end - 1) + 1];
  }
}

/** Breakpoints of the offset map; of two at one normalised index the later wins. */
class Edits {
  constructor() {
    this.norm = [];
    this.orig = [];
    this.scale = [];
  }

  add(normIndex, origIndex, scale) {
    const last = this.norm.length - 1;
    if (last >= 0 && this.norm[last] === normIndex) {
      this.orig[last] = origIndex;
      this.scale[last] = scale;
    } else {
      this.norm.push(normIndex);
      this.orig.push(origIndex);
      this.scale.push(scale);
    }
  }

  /** A run of `count` characters from original index `start` that each became
   * `length` characters, the first at normalised index `position`. */
  addRun(start, count, length, position) {
    if (length) this.add(position, start, length);
    this.add(position + length * count, start + count, 1);
  }
}

export function normalize(text, table) {
  if (!ANY_NON_ASCII.test(text)) return new Normalized(text);
  const parts = [];
  const edits = new Edits();
  let changed = false;
  let copiedUnits = 0;
  let shift = 0; // normalised index minus original index so far
  // The open run of adjacent characters that all grew (or vanished) alike.
  let runStart = -1;
  let runCount = 0;
  let runLength = 0;
  let runPosition = 0;
  // A plain loop over code points: no object per character (texts reach 100,000).
  for (let unit = 0, index = 0; unit < text.length; index += 1) {
    const code = text.codePointAt(unit);
    const at = unit;
    unit += code > 0xffff ? 2 : 1;
    const replacement = code < 0x80 ? null : table.changeOf(code);
    if (replacement === null) continue;
    changed = true;
    if (at > copiedUnits) parts.push(text.slice(copiedUnits, at));
    if (replacement) parts.push(replacement);
    copiedUnits = unit;
    const length = codePointLength(replacement);
    if (length === 1) continue;
    if (runStart >= 0 && (runLength !== length || runStart + runCount !== index)) {
      edits.addRun(runStart, runCount, runLength, runPosition);
      runStart = -1;
    }
    if (runStart < 0) {
      runStart = index;
      runCount = 0;
      runLength = length;
      runPosition = index + shift;
    }
    runCount += 1;
    shift += length - 1;
  }
  if (!changed) return new Normalized(text);
  if (runStart >= 0) edits.addRun(runStart, runCount, runLength, runPosition);
  parts.push(text.slice(copiedUnits));
  return new Normalized(parts.join(''), edits.norm, edits.orig, edits.scale);
}
