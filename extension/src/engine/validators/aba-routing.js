// US ABA routing transit number: 9 digits, weights 3-7-1, known prefix ranges.
import { digitsOf } from '../digits-of.js';

export const NAME = 'aba_routing';
export const DEFAULT_BOOST = 0.3;

// Federal Reserve routing symbols: 00-12 banks, 21-32 thrifts, 61-72 electronic,
// 80 traveller's cheques. Anything else is not an issued routing number.
function isRoutingPrefix(prefix) {
  return prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) ||
    prefix === 80;
}
const WEIGHTS = [3, 7, 1, 3, 7, 1, 3, 7, 1];

export function validate(value) {
  const digits = digitsOf(value);
  if (digits.length !== 9 || digits === '000000000') return false;
  if (!isRoutingPrefix(Number(digits.slice(0, 2)))) return false;
  let total = 0;
  for (let i = 0; i < 9; i += 1) total += WEIGHTS[i] * (digits.charCodeAt(i) - 48);
  return total % 10 === 0;
}
