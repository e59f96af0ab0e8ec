// What "Mask" writes into the post: every letter and digit but the last four
// becomes a bullet; separators stay, so the text keeps its length and shape
// ("4111 1111 1111 1111" -> "•••• •••• •••• 1111").
const ALNUM = /[\p{L}\p{N}]/u;
export const MASK_CHAR = '\u2022';

export function maskValue(value) {
  const chars = [...value];
  let keep = 4;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (!ALNUM.test(chars[i])) continue;
    if (keep > 0 && chars.length > 8) keep--;
    else chars[i] = MASK_CHAR;
  }
  return chars.join('');
}
