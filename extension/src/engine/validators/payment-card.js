// A card number as issuers print it: a real brand's IIN range and length and, when
// written in groups, a grouping cards carry. The twin of payment_card.py, which
// says where the ranges come from.
import { digitsOf } from '../digits-of.js';

export const NAME = 'payment_card';
export const DEFAULT_BOOST = 0.0;

const ANY = [12, 13, 14, 15, 16, 17, 18, 19];
const DINERS = [14, 15, 16, 17, 18, 19];
const LONG = [16, 17, 18, 19];
// [lowest prefix, highest prefix, lengths], as BRANDS in payment_card.py.
const BRANDS = [
  ['1', '1', [15]],
  ['1800', '1800', [15]],
  ['1946', '1946', [16, 18, 19]],
  ['2131', '2131', [15]],
  ['2200', '2204', LONG],
  ['2205', '2205', [16]],
  ['2221', '2720', [16]],
  ['300', '305', DINERS],
  ['3095', '3095', DINERS],
  ['34', '34', [15]],
  ['353', '353', [16]],
  ['356', '356', [16]],
  ['3528', '3589', LONG],
  ['36', '36', DINERS],
  ['37', '37', [15]],
  ['38', '39', DINERS],
  ['4', '4', [13, 16, 19]],
  ['50', '50', ANY],
  ['51', '55', [16]],
  ['56', '69', ANY],
];
const SPECIAL_GROUPS = ['4,6,5', '4,6,4'];
const SEPARATORS = ' -.';

function brandMatches(digits) {
  return BRANDS.some(([low, high, lengths]) => {
    const head = digits.slice(0, low.length);
    return lengths.includes(digits.length) && low <= head && head <= high;
  });
}

function groupingIsPrinted(value) {
  const groups = [];
  let run = 0;
  for (const char of value.trim()) {
    if (char >= '0' && char <= '9') run += 1;
    else if (SEPARATORS.includes(char)) {
      if (run) groups.push(run);
      run = 0;
    }
  }
  if (run) groups.push(run);
  if (groups.length <= 1) return true;
  if (SPECIAL_GROUPS.includes(groups.join(','))) return true;
  const last = groups[groups.length - 1];
  return groups.slice(0, -1).every((size) => size === 4) && last >= 1 && last <= 4;
}

export function validate(value) {
  return brandMatches(digitsOf(value)) && groupingIsPrinted(value);
}
