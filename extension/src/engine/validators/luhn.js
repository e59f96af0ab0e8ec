// Luhn (mod 10) check digit, used by payment card numbers (ISO/IEC 7812).
// params.prefix (digits, optional) is put in front of the value's digits before
// the check: a US NPI is checked as 80840 followed by its ten digits.
import { digitsOf } from '../digits-of.js';

export const NAME = 'luhn';
export const DEFAULT_BOOST = 0.4;

export function validate(value, params = {}) {
  const own = digitsOf(value);
  if (own.length < 2) return false;
  const digits = digitsOf(String(params.prefix ?? '')) + own;
  let total = 0;
  for (let position = 0; position < digits.length; position += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - position) - 48;
    if (position % 2) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    total += digit;
  }
  return total % 10 === 0;
}
