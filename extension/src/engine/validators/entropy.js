// Shannon entropy floor: random-looking secrets pass, words and patterns do not.
// Counted over code points, like Python's str, so an emoji is one symbol.

export const NAME = 'entropy';
export const DEFAULT_BOOST = 0.0;

export function shannonEntropy(value) {
  const symbols = Array.from(value);
  if (symbols.length === 0) return 0;
  const counts = new Map();
  for (const symbol of symbols) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  // Same terms, same order (first occurrence) and same left-to-right sum as Python.
  let sum = 0;
  for (const count of counts.values()) {
    const share = count / symbols.length;
    sum += share * Math.log2(share);
  }
  return -sum;
}

export function validate(value, params = {}) {
  // "after": measure only what follows the last occurrence of this separator, the
  // random secret of a token that also carries fixed ids (Slack's team and user).
  const after = params.after;
  let measured = value;
  if (after && value.includes(after)) measured = value.slice(value.lastIndexOf(after) + after.length);
  return shannonEntropy(measured) >= Number(params.min ?? 3.0);
}
