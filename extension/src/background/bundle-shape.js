// The least a rule bundle must look like before the offline engine gets it.
export function isBundleShape(value) {
  return Boolean(
    value &&
      typeof value === 'object' &&
      ['string', 'number'].includes(typeof value.version) &&
      Array.isArray(value.rules),
  );
}
