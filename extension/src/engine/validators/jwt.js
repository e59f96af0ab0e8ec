// A JSON Web Token in compact serialization, not just text that looks like one.
// The twin of jwt.py, which says what is checked. Web APIs only (the engine also
// runs in the extension): base64url by hand, TextDecoder, JSON.parse.

export const NAME = 'jwt';
export const DEFAULT_BOOST = 0.0;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEXTET = new Map([...ALPHABET].map((char, value) => [char, value]));
// JSON nested deeper than this is refused, as in jwt.py.
export const MAX_DEPTH = 32;
// Strict UTF-8; a byte order mark stays in the text (and is no JSON), as in Python.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes of a base64url segment (padding optional), or null. */
export function base64urlDecode(segment) {
  let padding = 0;
  while (padding < segment.length && segment[segment.length - 1 - padding] === '=') padding += 1;
  if (padding > 2 || (padding > 0 && segment.length % 4 !== 0)) return null;
  const body = segment.slice(0, segment.length - padding);
  if (body.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((body.length * 6) / 8));
  let bits = 0;
  let count = 0;
  let index = 0;
  for (const char of body) {
    const value = SEXTET.get(char);
    if (value === undefined) return null;
    bits = ((bits << 6) | value) & 0xffffff;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[index] = (bits >> count) & 0xff;
      index += 1;
    }
  }
  return out;
}

function depthOk(text) {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const char of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > MAX_DEPTH) return false;
    } else if (char === ']' || char === '}') depth -= 1;
  }
  return true;
}

/** The JSON object a segment encodes, or null. */
export function jsonObject(segment) {
  const raw = base64urlDecode(segment);
  if (raw === null) return null;
  let text;
  try {
    text = UTF8.decode(raw);
  } catch {
    return null;
  }
  if (!depthOk(text)) return null;
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
}

const namesA = (header, key) => Object.hasOwn(header, key) && typeof header[key] === 'string';

export function validate(value) {
  const segments = value.split('.');
  if (segments.length !== 3 && segments.length !== 5) return false;
  if (segments.some((segment) => base64urlDecode(segment) === null)) return false;
  const header = jsonObject(segments[0]);
  if (header === null || !namesA(header, 'alg')) return false;
  if (segments.length === 5) return namesA(header, 'enc');
  return jsonObject(segments[1]) !== null;
}
