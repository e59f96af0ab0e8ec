// Mexican CLABE (Clave Bancaria Estandarizada): 18 digits, the last a check digit.
// The 17 digits before it (bank 3, plaza 3, account 11) are weighted 3, 7, 1, 3,
// 7, 1, ...; the check digit is 10 minus the weighted sum mod 10, mod 10.
import { digitsOf } from '../digits-of.js';

export const NAME = 'clabe';
export const DEFAULT_BOOST = 0.3;

const WEIGHTS = [3, 7, 1];

export function validate(value) {
  const digits = digitsOf(value);
  if (digits.length !== 18 || digits === '0'.repeat(18)) return false;
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += WEIGHTS[i % 3] * (digits.charCodeAt(i) - 48);
  return (10 - (total % 10)) % 10 === digits.charCodeAt(17) - 48;
}
