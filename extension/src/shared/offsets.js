// The engines report code-point offsets; the DOM and String.slice use UTF-16
// code units. Converting only costs anything when the text has astral characters.
const SURROGATE = /[\uD800-\uDFFF]/;

export function codePointToUtf16(text, offsets) {
  if (!SURROGATE.test(text)) return offsets.slice();
  const wanted = [...new Set(offsets)].sort((a, b) => a - b);
  const map = new Map();
  let cp = 0;
  let unit = 0;
  let w = 0;
  while (w < wanted.length) {
    if (cp === wanted[w]) {
      map.set(cp, unit);
      w++;
      continue;
    }
    if (unit >= text.length) break;
    const code = text.codePointAt(unit);
    unit += code > 0xffff ? 2 : 1;
    cp++;
  }
  for (; w < wanted.length; w++) map.set(wanted[w], text.length);
  return offsets.map((o) => map.get(o));
}
