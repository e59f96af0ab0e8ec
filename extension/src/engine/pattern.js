// Rule patterns as the JS engine compiles them: the bundle's pattern with its
// flags plus "gud", after two source rewrites that keep Python semantics:
// - with the i flag, Turkic-i folding (see turkic-i.js);
// - for the non-empty retry after an empty match (see matches.js), a leading
//   capture group, so numbered back-references shift by one.

import { foldTurkicI, positiveSet } from './turkic-i.js';

// Escapes that may stand for one of i, I, İ, ı (others are syntax or controls).
const LETTER_SET_ESCAPES = new Set(['p', 'P', 'x', 'u', 'w', 'W', 'd', 'D', 's', 'S']);

/** Length of the escape at `i` (a backslash) in a u-mode pattern. */
function escapeLength(source, i) {
  const next = source[i + 1];
  if ((next === 'p' || next === 'P') && source[i + 2] === '{') {
    return source.indexOf('}', i) - i + 1;
  }
  if (next === 'k' && source[i + 2] === '<') return source.indexOf('>', i) - i + 1;
  if (next === 'u' && source[i + 2] === '{') return source.indexOf('}', i) - i + 1;
  if (next === 'u') return 6;
  if (next === 'x') return 4;
  if (next === 'c') return 3;
  if (next >= '1' && next <= '9') return /^\\[0-9]+/.exec(source.slice(i))[0].length;
  return 1 + String.fromCodePoint(source.codePointAt(i + 1)).length;
}

/** End (exclusive) of the character class opening at `i`. */
function classEnd(source, i) {
  let j = source[i + 1] === '^' ? i + 2 : i + 1;
  while (j < source.length && source[j] !== ']') {
    j += source[j] === '\\' ? escapeLength(source, j) : 1;
  }
  return j + 1;
}

function groupPrefixLength(source, i) {
  if (source[i + 1] !== '?') return 1;
  for (const prefix of ['(?<=', '(?<!', '(?:', '(?=', '(?!']) {
    if (source.startsWith(prefix, i)) return prefix.length;
  }
  if (source.startsWith('(?<', i)) return source.indexOf('>', i) - i + 1;
  return 2;
}

/**
 * Rewrite a pattern: `ignoreCase` adds Turkic-i folding, `backrefShift` renumbers
 * numbered back-references. Throws UnportablePatternError for sets JS cannot match
 * like Python.
 */
export function rewritePattern(source, { ignoreCase = false, backrefShift = 0 } = {}) {
  let out = '';
  let i = 0;
  const atom = (text, negated = false) =>
    ignoreCase ? foldTurkicI(text, negated ? positiveSet(text) : text, negated) : text;
  while (i < source.length) {
    const char = source[i];
    if (char === '\\') {
      const escape = source.slice(i, i + escapeLength(source, i));
      i += escape.length;
      if (/^\\[1-9]/.test(escape)) out += `\\${Number(escape.slice(1)) + backrefShift}`;
      else if (LETTER_SET_ESCAPES.has(escape[1])) out += atom(escape);
      else out += escape;
    } else if (char === '[') {
      const end = classEnd(source, i);
      const cls = source.slice(i, end);
      i = end;
      out += atom(cls, cls.startsWith('[^'));
    } else if (char === '(') {
      const length = groupPrefixLength(source, i);
      out += source.slice(i, i + length);
      i += length;
    } else if ('|)^$.*+?{},'.includes(char) || /[0-9]/.test(char)) {
      // Syntax, quantifier bodies and "." never need folding ("." holds all four).
      out += char;
      i += 1;
    } else {
      const literal = String.fromCodePoint(source.codePointAt(i));
      i += literal.length;
      out += atom(literal);
    }
  }
  return out;
}

/** A compiled rule, context or prefilter pattern, with Python's iteration. */
export class PortablePattern {
  constructor(source, flags = '', extraFlags = 'gu') {
    this.ignoreCase = flags.includes('i');
    this.flags = `${flags}${extraFlags}`;
    this.source = source;
    this.regex = new RegExp(rewritePattern(source, { ignoreCase: this.ignoreCase }), this.flags);
    this.nonEmptyAt = null; // built on the first empty match, see matches.js
    this.stickyTwin = null;
  }

  /**
   * Compile now what V8 compiles on the first two runs (bytecode, then native
   * code), so a large pattern does not spend a scan's budget on it (the twin of
   * _prepare in the Python engine). V8 shares the code among RegExps of the
   * same source and flags.
   */
  warm() {
    for (let run = 0; run < 2; run += 1) {
      this.regex.lastIndex = 0;
      this.regex.exec('');
    }
    this.regex.lastIndex = 0;
  }

  /** The same pattern, matching only at lastIndex (anchors.js). */
  sticky() {
    this.stickyTwin ??= new RegExp(this.regex.source, this.flags.replace('g', 'y'));
    return this.stickyTwin;
  }

  /** Names of the pattern's named groups. */
  groupNames() {
    const probe = new RegExp(`${this.regex.source}|`, this.regex.flags.replace(/[gy]/g, ''));
    return Object.keys(probe.exec('').groups || {});
  }

  /** A sticky twin that only accepts a non-empty match at lastIndex. */
  nonEmptySticky() {
    if (this.nonEmptyAt === null) {
      const body = rewritePattern(this.source, { ignoreCase: this.ignoreCase, backrefShift: 1 });
      const flags = this.flags.replace('g', 'y');
      // (?=([\s\S]*)) remembers the rest of the text; (?!\1) fails unless the
      // match consumed something, so the engine backtracks to a longer match.
      this.nonEmptyAt = new RegExp(`(?=([\\s\\S]*))(?:${body})(?!\\1)`, flags);
    }
    return this.nonEmptyAt;
  }
}
