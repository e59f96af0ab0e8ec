// Bech32 and bech32m segregated-witness addresses (BIP-173, BIP-350): bc1q...
// (witness version 0) and bc1p... (version 1, taproot). The twin of bech32.py,
// which says what is checked.

export const NAME = 'bech32';
export const DEFAULT_BOOST = 0.4;

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const VALUE = new Map([...CHARSET].map((char, value) => [char, value]));
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const BECH32_CONSTANT = 1;
const BECH32M_CONSTANT = 0x2bc830a3;
const MAX_LENGTH = 90;
const MAINNET_HRPS = ['bc'];

/** BIP-173's checksum polynomial over GF(32), as its reference code defines it. */
export function polymod(values) {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = (((checksum & 0x1ffffff) << 5) ^ value) >>> 0;
    for (let bit = 0; bit < 5; bit += 1) {
      if ((top >>> bit) & 1) checksum = (checksum ^ GENERATOR[bit]) >>> 0;
    }
  }
  return checksum;
}

function hrpExpand(hrp) {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)];
}

/** 5-bit groups as bytes; null if more than four bits are left over or the
 * left-over bits are not zero (BIP-173: padding of 4 bits or less, all zeros). */
export function regroupToBytes(groups) {
  let accumulator = 0;
  let bits = 0;
  const out = [];
  for (const group of groups) {
    accumulator = ((accumulator << 5) | group) & 0xfff; // at most 12 bits are pending
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((accumulator >> bits) & 0xff);
    }
  }
  if (bits > 4 || (accumulator & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

function hrpsOf(params) {
  const hrps = params?.hrps;
  if (hrps === undefined || hrps === null) return MAINNET_HRPS;
  return Array.isArray(hrps) ? hrps.filter((h) => typeof h === 'string') : [];
}

export function validate(value, params = {}) {
  if (/[^\x20-\x7e]/.test(value) || value.length > MAX_LENGTH) return false;
  const lowered = value.toLowerCase();
  if (value !== lowered && value !== value.toUpperCase()) return false; // mixed case
  const separator = lowered.lastIndexOf('1');
  if (separator < 0) return false;
  const hrp = lowered.slice(0, separator);
  const dataPart = lowered.slice(separator + 1);
  if (!hrpsOf(params).includes(hrp) || dataPart.length < 6) return false;
  const data = [...dataPart].map((c) => VALUE.get(c) ?? -1);
  if (data.includes(-1) || data.length < 7) return false; // the witness version and the checksum
  const version = data[0];
  const constant = polymod([...hrpExpand(hrp), ...data]);
  const expected = version === 0 ? BECH32_CONSTANT : BECH32M_CONSTANT;
  if (constant !== expected || version > 16) return false;
  const program = regroupToBytes(data.slice(1, -6));
  if (program === null || program.length < 2 || program.length > 40) return false;
  return version !== 0 || program.length === 20 || program.length === 32;
}
