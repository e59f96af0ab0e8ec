// BIC (SWIFT code, ISO 9362): 8 or 11 characters, upper case. The twin of bic.py.
// Four letters for the institution, an ISO 3166-1 alpha-2 country code, two
// letters or digits for the location and, optionally, three for the branch (XXX
// is the head office). The country must be one the bundle lists (bundle.yaml,
// validators.bic.countries, given as params.countries).

export const NAME = 'bic';
export const DEFAULT_BOOST = 0.2;

const SHAPE = /^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;

function countriesOf(params) {
  const countries = params?.countries;
  return Array.isArray(countries) ? countries : null;
}

/** Check the country list once, when a bundle is loaded. */
export function prepare(params) {
  const countries = countriesOf(params);
  if (!countries || countries.length === 0) {
    throw new Error('bic: the bundle gives no countries (validators.bic)');
  }
  for (const country of countries) {
    if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
      throw new Error(`bic: ${JSON.stringify(country)} is not a country code`);
    }
  }
}

export function validate(value, params = {}) {
  if (!SHAPE.test(value)) return false;
  const countries = countriesOf(params);
  return countries !== null && countries.includes(value.slice(4, 6));
}
