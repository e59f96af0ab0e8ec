// Verhoeff check digit (dihedral group D5), used by Aadhaar and others.
import { digitsOf } from '../digits-of.js';

export const NAME = 'verhoeff';
export const DEFAULT_BOOST = 0.4;

// Multiplication in D5 and the position permutation, from Verhoeff (1969).
const MULTIPLY = [
  '0123456789', '1234067895', '2340178956', '3401289567', '4012395678',
  '5987604321', '6598710432', '7659821043', '8765932104', '9876543210',
].map((row) => Array.from(row, Number));
const PERMUTE = [
  '0123456789', '1576283094', '5803796142', '8916043527',
  '9453126870', '4286573901', '2793806415', '7046913258',
].map((row) => Array.from(row, Number));

export function validate(value) {
  const digits = digitsOf(value);
  if (digits.length < 2) return false;
  let check = 0;
  for (let position = 0; position < digits.length; position += 1) {
    const digit = digits.charCodeAt(digits.length - 1 - position) - 48;
    check = MULTIPLY[check][PERMUTE[position % 8][digit]];
  }
  return check === 0;
}
