// IBAN: the country's BBAN structure (ISO 13616) and the ISO 7064 mod 97-10 check.
// The twin of iban.py. The structures come from the bundle (bundle.yaml,
// validators.iban.countries) as params.countries: a country code to a structure
// in the IBAN registry's notation ("4!a6!n8!n") or a list of alternatives.

export const NAME = 'iban';
export const DEFAULT_BOOST = 0.4;

const STRUCTURE = /^(?:[0-9]{1,2}![anc])+$/;
const PART = /([0-9]{1,2})!([anc])/g;
// An IBAN has at most 34 characters: 30 after the country code and check digits.
const MAX_BBAN = 30;

// Python's str.isalnum(): letters and numbers of any script.
const ALNUM = /[\p{L}\p{N}]/u;
const NON_ASCII = /[\u0080-\u{10FFFF}]/u;
const ASCII_UPPER = /[A-Z]/;

/** "4!a6!n" -> [[4, 'a'], [6, 'n']]; throws if not that notation. */
export function structureParts(structure) {
  if (typeof structure !== 'string' || !STRUCTURE.test(structure)) {
    throw new Error(`not a BBAN structure: ${JSON.stringify(structure)}`);
  }
  const parts = [...structure.matchAll(PART)].map(([, count, kind]) => [Number(count), kind]);
  const total = parts.reduce((sum, [count]) => sum + count, 0);
  if (parts.some(([count]) => count === 0) || total > MAX_BBAN) {
    throw new Error(`not a BBAN structure: ${JSON.stringify(structure)}`);
  }
  return parts;
}

function structures(spec) {
  if (typeof spec === 'string') return [spec];
  if (Array.isArray(spec) && spec.every((s) => typeof s === 'string')) return spec;
  return [];
}

function countriesOf(params) {
  const countries = params?.countries;
  if (typeof countries !== 'object' || countries === null || Array.isArray(countries)) return null;
  return countries;
}

/** Check the country table once, when a bundle is loaded. */
export function prepare(params) {
  const countries = countriesOf(params);
  if (!countries || Object.keys(countries).length === 0) {
    throw new Error('iban: the bundle gives no countries (validators.iban)');
  }
  for (const [country, spec] of Object.entries(countries)) {
    if (!/^[A-Z]{2}$/.test(country)) throw new Error(`iban: ${JSON.stringify(country)} is not a country code`);
    const list = structures(spec);
    if (list.length === 0) throw new Error(`iban: ${country}: expected a structure or a list of them`);
    for (const structure of list) {
      try {
        structureParts(structure);
      } catch (error) {
        throw new Error(`iban: ${country}: ${error.message}`, { cause: error });
      }
    }
  }
}

function fits(kind, char) {
  if (kind === 'n') return char >= '0' && char <= '9';
  if (kind === 'a') return char >= 'A' && char <= 'Z';
  return (char >= '0' && char <= '9') || (char >= 'A' && char <= 'Z') || (char >= 'a' && char <= 'z');
}

/** a: an upper-case letter, n: a digit, c: a letter of either case or a digit. */
export function bbanFits(bban, structure) {
  let parts;
  try {
    parts = structureParts(structure);
  } catch {
    return false;
  }
  if (bban.length !== parts.reduce((sum, [count]) => sum + count, 0)) return false;
  let position = 0;
  for (const [count, kind] of parts) {
    for (const char of bban.slice(position, position + count)) {
      if (!fits(kind, char)) return false;
    }
    position += count;
  }
  return true;
}

// Letters and digits only. An IBAN typed all in lower case is still one, so it is
// read in upper case; otherwise the case stays as typed, since the registry's
// letters (a) and country codes are upper case.
function asTyped(value) {
  let kept = '';
  for (const char of value) if (ALNUM.test(char)) kept += char;
  return ASCII_UPPER.test(kept) ? kept : kept.toUpperCase();
}

/** Move the first four characters to the end, read letters as 10..35, mod 97. */
export function mod97(iban) {
  let remainder = 0;
  for (const char of iban.slice(4) + iban.slice(0, 4)) {
    const chunk = parseInt(char, 36);
    remainder = (remainder * (chunk > 9 ? 100 : 10) + chunk) % 97;
  }
  return remainder;
}

export function validate(value, params = {}) {
  const iban = asTyped(value);
  if (NON_ASCII.test(iban) || !/^[0-9]{2}$/.test(iban.slice(2, 4)) || iban.length < 5) return false;
  const countries = countriesOf(params);
  if (!countries || !Object.hasOwn(countries, iban.slice(0, 2))) return false;
  const list = structures(countries[iban.slice(0, 2)]);
  if (!list.some((structure) => bbanFits(iban.slice(4), structure))) return false;
  return mod97(iban.toUpperCase()) === 1;
}
