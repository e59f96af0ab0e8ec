// Ethereum addresses: 0x and 40 hex digits, with the EIP-55 checksum when the
// letters are of mixed case. The twin of eip55.py, which says what is checked:
// params.case "mixed" (the default) passes only a mixed-case address whose
// checksum holds, "single" only an address all in one case (no checksum).
import { keccak256 } from '../keccak.js';

export const NAME = 'eip55';
export const DEFAULT_BOOST = 0.3;

const HEX40 = /^[0-9a-fA-F]{40}$/;

/** EIP-55: each letter is upper case iff its nibble of the hash is >= 8. */
export function checksumHolds(hex40) {
  const digest = keccak256(new TextEncoder().encode(hex40.toLowerCase()));
  for (let i = 0; i < 40; i += 1) {
    const char = hex40[i];
    if (char >= '0' && char <= '9') continue;
    const nibble = i % 2 === 0 ? digest[i >> 1] >> 4 : digest[i >> 1] & 0x0f;
    if ((char >= 'A' && char <= 'F') !== nibble >= 8) return false;
  }
  return true;
}

export function validate(value, params = {}) {
  if (value.length !== 42 || !value.startsWith('0x')) return false;
  const hex40 = value.slice(2);
  if (!HEX40.test(hex40)) return false;
  const mixed = hex40 !== hex40.toLowerCase() && hex40 !== hex40.toUpperCase();
  if ((params?.case ?? 'mixed') === 'single') return !mixed;
  return mixed && checksumHolds(hex40);
}
