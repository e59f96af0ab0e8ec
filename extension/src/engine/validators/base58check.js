// Base58Check, as Bitcoin's legacy addresses use it: P2PKH (1...) and P2SH (3...).
// The twin of base58check.py, which says what is checked: 25 bytes, a version
// byte from params.versions (default 0x00 and 0x05), and the first four bytes of
// SHA-256(SHA-256(version and hash)) as the checksum.
import { sha256 } from '../sha256.js';

export const NAME = 'base58check';
export const DEFAULT_BOOST = 0.4;

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT = new Map([...ALPHABET].map((char, value) => [char, BigInt(value)]));
// Version byte, 20-byte hash (RIPEMD-160 of SHA-256), 4-byte checksum.
const DECODED_LENGTH = 25;
const MAINNET_VERSIONS = [0x00, 0x05];

/** The bytes `text` stands for, or null if a character is not base58. */
export function base58Decode(text) {
  let number = 0n;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) return null;
    number = number * 58n + digit;
  }
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros += 1;
  const body = [];
  for (; number > 0n; number >>= 8n) body.push(Number(number & 0xffn));
  return Uint8Array.from([...new Array(zeros).fill(0), ...body.reverse()]);
}

function versionsOf(params) {
  const versions = params?.versions;
  if (versions === undefined || versions === null) return MAINNET_VERSIONS;
  return Array.isArray(versions) ? versions.filter((v) => Number.isInteger(v)) : [];
}

export function validate(value, params = {}) {
  if (value.length < 1 || value.length > 50) return false; // 25 bytes: at most 35 characters
  const decoded = base58Decode(value);
  if (decoded === null || decoded.length !== DECODED_LENGTH) return false;
  if (!versionsOf(params).includes(decoded[0])) return false;
  const digest = sha256(sha256(decoded.subarray(0, 21)));
  return digest.subarray(0, 4).every((byte, i) => byte === decoded[21 + i]);
}
