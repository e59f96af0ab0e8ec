// Python str indices count code points; JS strings count UTF-16 units. The engine
// works on JS strings and converts every reported offset with these helpers, so
// an emoji before a value moves its span by one, exactly as in the Python engine.

const ASTRAL = /[\u{10000}-\u{10FFFF}]/gu;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Number of code points (a lone surrogate counts as one, as in Python). */
export function codePointLength(text) {
  if (!SURROGATE.test(text)) return text.length;
  let pairs = 0;
  for (const match of text.matchAll(ASTRAL)) pairs += match[0].length - 1;
  return text.length - pairs;
}

/** The first `count` code points of `text` (Python's text[:count]). */
export function headCodePoints(text, count) {
  // Counting pairs with a regex is far quicker than stepping code point by code
  // point, and a text up to the limit (the usual case) needs no more.
  if (text.length <= count || codePointLength(text) <= count) return text;
  let units = 0;
  for (let points = 0; points < count && units < text.length; points += 1) {
    units += text.codePointAt(units) > 0xffff ? 2 : 1;
  }
  return text.slice(0, units);
}

/** The last `count` code points of `text` (Python's text[-count:]). */
export function tailCodePoints(text, count) {
  return Array.from(text).slice(-count).join('');
}

/** Maps UTF-16 offsets of one string to code-point offsets. */
export class CodePointIndex {
  constructor(text) {
    // UTF-16 offsets where a surrogate pair starts; empty for most texts.
    this.pairs = [];
    if (SURROGATE.test(text)) {
      for (const match of text.matchAll(ASTRAL)) this.pairs.push(match.index);
    }
  }

  toCodePoint(unit) {
    const pairs = this.pairs;
    if (pairs.length === 0) return unit;
    let lo = 0;
    let hi = pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[mid] < unit) lo = mid + 1;
      else hi = mid;
    }
    return unit - lo;
  }
}

/** Index of the last item <= `value` in a sorted array, or -1 (bisect_right - 1). */
export function lastAtOrBelow(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
