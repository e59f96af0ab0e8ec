// Masked previews: never more than the last four characters of a value. Short
// values reveal less (a quarter of their letters and digits), so a 7-character
// password shows one character and a 16-digit card shows four.
import { tailCodePoints } from './code-points.js';

export const PREVIEW_MASK = '••••';
const ALNUM = /[\p{L}\p{N}]/gu;
const TRAILING_JUNK = /[^\p{L}\p{N}]+(?![\s\S])/gu;
const WHITESPACE = /[ \t\n\r\f\v]+/g;

export function maskedPreview(value) {
  const alnum = value.match(ALNUM)?.length ?? 0;
  const reveal = Math.min(4, Math.floor(alnum / 4));
  if (!reveal) return PREVIEW_MASK;
  const visible = value.replace(WHITESPACE, '').replace(TRAILING_JUNK, '');
  return `${PREVIEW_MASK} ${tailCodePoints(visible, reveal)}`;
}
